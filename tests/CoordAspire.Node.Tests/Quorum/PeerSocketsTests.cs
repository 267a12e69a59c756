using System.Net;
using System.Net.Sockets;
using CoordAspire.Node.Quorum;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>
/// An election connection is given up when its peer goes silent (the kernel's TCP_USER_TIMEOUT and keepalive), not
/// after tcp_retries2's quarter of an hour. What that does for a member whose address vanished is shown in real
/// network namespaces by the deployment tests (PartitionTests); here, that the options reach the socket.
/// </summary>
public sealed class PeerSocketsTests
{
    [Fact]
    public async Task A_peer_socket_gives_up_after_the_timeout_when_nothing_is_acknowledged()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();

        PeerSockets.GiveUpOnSilentPeer(client, TimeSpan.FromSeconds(2));

        Assert.Equal(1, (int)client.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(1, (int)client.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        var userTimeout = new byte[4];
        client.GetRawSocketOption((int)SocketOptionLevel.Tcp, PeerSockets.TcpUserTimeout, userTimeout);
        Assert.Equal(2000, BitConverter.ToInt32(userTimeout));
    }
}
