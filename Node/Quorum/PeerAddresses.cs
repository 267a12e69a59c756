using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CoordAspire.Node.Quorum;

/// <summary>
/// Where the peers' host names point, as the two server-to-server transports dial them. A peer that connected to us
/// moments ago is dialled first where it connected from; otherwise the resolver's answer is used when it comes within
/// <see cref="ResolveWait"/>, and what we knew before when it does not.
/// </summary>
/// <remarks>
/// In containers the resolver is the runtime's (podman's aardvark-dns, Docker's embedded DNS, CoreDNS). It is
/// rewritten as containers come and go, and a lookup made just then can go unanswered: glibc then waits out its
/// timeout for each name server (5 s each, and an internal network's upstream one never answers). The lookup runs
/// inside the connect, which cannot be cancelled while getaddrinfo blocks, so one unanswered lookup froze a member's
/// election and its learner's reconnect for 10 s — the "LEADER ELECTION TOOK - 10346 MS" for a returning
/// member. A peer that restarts with a new address connects to us first (it looks for votes), so what we learn from
/// that connection is the address to dial it back at.
/// </remarks>
internal sealed class PeerAddresses
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (IPAddress Address, long At)> _learned = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task<IPAddress[]>> _lookups = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="resolve">The resolver (the system's by default).</param>
    /// <param name="resolveWait">How long a lookup may take before a known address is used instead.</param>
    public PeerAddresses(
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null,
        TimeSpan? resolveWait = null,
        TimeProvider? time = null)
    {
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        ResolveWait = resolveWait ?? TimeSpan.FromMilliseconds(500);
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan ResolveWait { get; }

    /// <summary>How long the address a peer connected from is taken as where it is, ahead of the resolver (which,
    /// in containers, may not know a restarted peer's new address yet).</summary>
    public static TimeSpan RecentlyConnected { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The addresses to dial for <paramref name="host"/>, best first. A literal address is itself. A peer that
    /// connected within <see cref="RecentlyConnected"/> is dialled where it connected from, without waiting for the
    /// resolver. Otherwise waits for the resolver up to <see cref="ResolveWait"/>, then, knowing an address, returns
    /// it; knowing none, keeps waiting (until <paramref name="cancellationToken"/>).
    /// </summary>
    /// <exception cref="SocketException">The resolver said the name does not exist (a container that is down).</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var lookup = _lookups.GetOrAdd(host, StartLookup);
        if (lookup.IsCompleted)
        {
            // One that completed at once ran its removal before it was added.
            _lookups.TryRemove(new KeyValuePair<string, Task<IPAddress[]>>(host, lookup));
        }

        if (_learned.TryGetValue(host, out var learned) && _time.GetElapsedTime(learned.At) < RecentlyConnected)
        {
            if (lookup.IsCompletedSuccessfully && lookup.Result.Length > 0)
            {
                Remember(host, lookup.Result);
            }

            return Known(host);
        }

        if (!lookup.IsCompleted && Known(host) is { Length: > 0 } known)
        {
            try
            {
                await lookup.WaitAsync(ResolveWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A late answer is not kept: it may predate an address the peer has connected from since.
                _ = lookup.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return known;
            }
        }

        var addresses = await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return Remember(host, addresses);
    }

    /// <summary>The peer known by <paramref name="host"/> connected to us from <paramref name="address"/>.</summary>
    public void Learn(string host, IPAddress address)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        _learned[host] = (address, _time.GetTimestamp());
    }

    /// <summary>What we know without asking: where the peer last connected from, then the resolver's last answer.</summary>
    private IPAddress[] Known(string host)
    {
        var answer = _answers.GetValueOrDefault(host, []);
        return _learned.TryGetValue(host, out var learned) ? [learned.Address, .. answer.Where(a => !a.Equals(learned.Address))] : answer;
    }

    private IPAddress[] Remember(string host, IPAddress[] answer)
    {
        _answers[host] = answer;
        return answer;
    }

    /// <summary>One lookup per name at a time: attempts made while one hangs share it rather than each blocking a
    /// thread of the pool in getaddrinfo.</summary>
    private Task<IPAddress[]> StartLookup(string host)
    {
        var lookup = _resolve(host, CancellationToken.None);
        lookup.ContinueWith(
            (t, state) => ((ConcurrentDictionary<string, Task<IPAddress[]>>)state!).TryRemove(new KeyValuePair<string, Task<IPAddress[]>>(host, t)),
            _lookups, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return lookup;
    }
}
