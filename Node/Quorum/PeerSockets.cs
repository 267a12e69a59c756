using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;

namespace CoordAspire.Node.Quorum;

/// <summary>Binding and connecting the server-to-server sockets as QuorumPeer does.</summary>
internal static class PeerSockets
{
    /// <summary>
    /// Where to listen for a port of <paramref name="host"/>: the wildcard when <c>quorumListenOnAllIPs</c> is set or
    /// the host is one (<c>new InetSocketAddress(port)</c>), otherwise the host's address, IPv4 first when it has
    /// both (a name like localhost must be bound where its peers, resolving it the same way, will connect).
    /// </summary>
    public static IPEndPoint BindEndPoint(string host, int port, bool listenOnAllIPs)
    {
        if (listenOnAllIPs || new HostPort(host, port).IsAnyAddress)
        {
            return new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port);
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return new IPEndPoint(literal, port);
        }

        var addresses = Dns.GetHostAddresses(host);
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
        return new IPEndPoint(address, port);
    }

    /// <summary>Binds and listens now, so that a port in use fails the caller's Start.</summary>
    public static Socket Listen(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // the wildcard serves IPv4 peers too, as Java's does
            }

            socket.Bind(endPoint);
            socket.Listen();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A TCP connection to <paramref name="address"/> (every address its name resolves to is tried, in
    /// turn), with TCP_NODELAY as Learner and QuorumCnxManager set it. The name is looked up through
    /// <paramref name="addresses"/>, so a resolver that does not answer costs <see cref="PeerAddresses.ResolveWait"/>
    /// rather than the whole <paramref name="timeout"/>.</summary>
    /// <exception cref="SocketException">Refused, unreachable, unresolvable or timed out.</exception>
    public static async Task<Socket> ConnectAsync(HostPort address, TimeSpan timeout, PeerAddresses addresses, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            var candidates = await addresses.ResolveAsync(address.Host, timer.Token).ConfigureAwait(false);
            SocketException? last = null;
            foreach (var ip in candidates)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.NoDelay = true;
                    await socket.ConnectAsync(new IPEndPoint(ip, address.Port), timer.Token).ConfigureAwait(false);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last ?? new SocketException((int)SocketError.HostNotFound);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SocketException((int)SocketError.TimedOut);
        }
    }

    /// <summary>
    /// Makes the kernel give a connection up when its peer stops acknowledging: TCP_USER_TIMEOUT bounds how long sent
    /// data may stay unacknowledged, and keepalive probes (which that bound also covers) find a silent idle peer. A
    /// peer that died closes its sockets; one whose address vanished (a partition, a container moved to a new address)
    /// never does, and without this the connection would look alive for tcp_retries2's ~15 minutes.
    /// </summary>
    public static void GiveUpOnSilentPeer(Socket socket, TimeSpan timeout)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds / 2));
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 2);
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, BitConverter.GetBytes((int)timeout.TotalMilliseconds));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            // A socket already closed, or a platform without the option: the connection works as before.
        }
    }

    /// <summary>Linux's TCP_USER_TIMEOUT (include/uapi/linux/tcp.h).</summary>
    internal const int TcpUserTimeout = 18;
}
