using System.Net;

namespace CoordAspire.Client;

/// <summary>
/// Which server to try next (Java's <c>StaticHostProvider</c>): the servers in a shuffled order, round robin, with a
/// pause once every server has been tried since the last successful connection, so a client facing a dead ensemble
/// does not spin. Names are resolved at connect time, so a server that moves keeps its name.
/// </summary>
internal sealed class HostProvider
{
    private readonly DnsEndPoint[] _servers;
    private int _current = -1;
    private int _last = -1;

    public HostProvider(IReadOnlyList<DnsEndPoint> servers, Random random)
    {
        _servers = [.. servers];
        random.Shuffle(_servers);
    }

    public int Count => _servers.Length;

    /// <summary>The next server; waits <paramref name="spinDelay"/> first when it would start another round
    /// without having connected since the previous one.</summary>
    public async ValueTask<DnsEndPoint> NextAsync(TimeSpan spinDelay, CancellationToken cancellationToken)
    {
        _current = (_current + 1) % _servers.Length;
        bool needToSleep = _current == _last && spinDelay > TimeSpan.Zero;
        if (_last == -1)
        {
            _last = 0;
        }

        if (needToSleep)
        {
            await Task.Delay(spinDelay, cancellationToken).ConfigureAwait(false);
        }

        return _servers[_current];
    }

    /// <summary>A connection to the current server succeeded: the next round starts after it.</summary>
    public void OnConnected() => _last = _current;
}
