using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoordAspire.Client;

/// <summary>
/// While a session is on a read-only server, looks for a server that can write (Java's
/// <c>ClientCnxn.SendThread.pingRwServer</c>): it asks the servers of the connect string in turn with the four
/// letter word <c>isro</c>, which a read-write server answers <c>rw</c> (a read-only one <c>ro</c>, one in an
/// election <c>null</c>), and the first <c>rw</c> ends the search. The pause between two probes starts at 100 ms and
/// doubles with each probe up to a maximum (60 s in Java), so a client cut off with its server for long costs the
/// others almost nothing; it starts again at 100 ms once a read-write server has been found.
/// </summary>
internal sealed class ReadWriteServerSeeker(HostProvider hosts, TimeSpan maxInterval)
{
    /// <summary>Java's <c>minPingRwTimeout</c>.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one probe may take (FourLetterWordMain's timeout in pingRwServer).</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private TimeSpan _interval = MinInterval;

    /// <summary>The pause before the next probe (the back-off lives as long as the client, as Java's does).</summary>
    public TimeSpan NextInterval => _interval;

    /// <summary>
    /// Probes until a server other than <paramref name="current"/> answers <c>rw</c>, and returns it; runs until
    /// cancelled otherwise.
    /// </summary>
    public async Task<DnsEndPoint> FindAsync(DnsEndPoint current, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
            _interval = _interval * 2 < maxInterval ? _interval * 2 : maxInterval;
            var candidate = await hosts.NextAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (candidate.Equals(current))
            {
                // Asking the server we are on would only hear "ro"; Java asks it anyway and loses a round.
                continue;
            }

            if (await IsReadWriteAsync(candidate, cancellationToken).ConfigureAwait(false))
            {
                _interval = MinInterval;
                return candidate;
            }
        }
    }

    /// <summary><c>echo isro | nc host port</c>: true when the server answers <c>rw</c>.</summary>
    internal static async Task<bool> IsReadWriteAsync(DnsEndPoint server, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ProbeTimeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server, deadline.Token).ConfigureAwait(false);
            await socket.SendAsync("isro"u8.ToArray(), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var answer = new byte[16];
            int length = 0;
            while (length < answer.Length)
            {
                int read = await socket.ReceiveAsync(answer.AsMemory(length), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return Encoding.ASCII.GetString(answer, 0, length).Trim() == "rw";
        }
        catch (Exception e) when ((e is SocketException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // Down, not listening, or too slow: not a read-write server for now.
            return false;
        }
    }
}
