using System.Net;
using System.Net.Sockets;

namespace CoordAspire.Client;

/// <summary>
/// Opens the TCP connection for a session attempt, racing servers the way Happy Eyeballs (RFC 8305) races
/// addresses: the next server of the <see cref="HostProvider"/> is dialled too once the current one has not answered
/// within the stagger, and the first to connect wins (the others are closed).
/// </summary>
/// <remarks>
/// A server that is gone without a trace — a killed container whose address no longer exists, a host cut off by a
/// partition — never refuses: its SYN goes unanswered, and a client dialling it alone waits out the connect timeout
/// (Java's is the session timeout divided among the servers: 3.3 s of a 10 s session with three). When the leader
/// dies every follower drops its clients at once, and each that picks the dead server next would sit out that wait
/// while a new leader has been serving for a few milliseconds. Only the TCP connect is raced; the session handshake
/// then runs with the one winner, as ClientCnxn does.
/// </remarks>
internal static class HostDialer
{
    /// <summary>
    /// Connects to <paramref name="first"/>, or to a server taken from <paramref name="hosts"/> after it while it
    /// does not answer; at most one attempt per server. Each attempt has <paramref name="attemptTimeout"/>.
    /// </summary>
    /// <exception cref="SocketException">No server connected (the last failure).</exception>
    public static async Task<(Socket Socket, DnsEndPoint Server)> ConnectAsync(
        HostProvider hosts, DnsEndPoint first, TimeSpan stagger, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var attempts = new List<(Task<Socket> Connect, DnsEndPoint Server)> { (DialAsync(first, attemptTimeout, losers.Token), first) };
        var tried = new HashSet<DnsEndPoint> { first };
        Exception? lastError = null;
        try
        {
            while (true)
            {
                var pending = attempts.Where(a => !a.Connect.IsCompleted).Select(a => (Task)a.Connect).ToList();
                var finished = attempts.FirstOrDefault(a => a.Connect.IsCompleted);
                if (finished.Connect is null)
                {
                    bool canWiden = tried.Count < hosts.Count && stagger >= TimeSpan.Zero;
                    var widen = canWiden ? Task.Delay(stagger, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
                    var woke = await Task.WhenAny(pending.Append(widen)).ConfigureAwait(false);
                    if (woke == widen)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await WidenAsync().ConfigureAwait(false);
                    }

                    continue;
                }

                attempts.Remove(finished);
                if (finished.Connect.IsCompletedSuccessfully)
                {
                    return (finished.Connect.Result, finished.Server);
                }

                lastError = finished.Connect.Exception?.GetBaseException() ?? lastError;
                cancellationToken.ThrowIfCancellationRequested();
                if (tried.Count < hosts.Count)
                {
                    await WidenAsync().ConfigureAwait(false); // a refusal: the next server now, not after the stagger
                }
                else if (attempts.Count == 0)
                {
                    throw lastError as SocketException ?? new SocketException((int)SocketError.TimedOut);
                }
            }
        }
        finally
        {
            await losers.CancelAsync().ConfigureAwait(false);
            foreach (var (connect, _) in attempts)
            {
                _ = connect.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _ = connect.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        async Task WidenAsync()
        {
            var next = await hosts.NextAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (tried.Add(next))
            {
                attempts.Add((DialAsync(next, attemptTimeout, losers.Token), next));
            }
        }
    }

    private static async Task<Socket> DialAsync(DnsEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(server, deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
