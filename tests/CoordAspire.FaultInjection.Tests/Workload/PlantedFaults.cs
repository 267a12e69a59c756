using System.Collections.Concurrent;

namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>Bugs planted on purpose, for the harness's own tests: a checker is only worth what it catches.</summary>
public enum PlantedFault
{
    None,

    /// <summary>Reads answered from a cache of what the session last saw, half the time: a client-side stale cache.</summary>
    StaleCache,

    /// <summary>One write in twenty and one addition in ten acknowledged without being sent: an ack without a write.</summary>
    AckWithoutWrite,
}

/// <summary>A session with a <see cref="PlantedFault"/>: it wraps a real one and lies the way that bug would.</summary>
public sealed class FaultySession(IWorkloadSession inner, PlantedFault fault, int seed) : IWorkloadSession
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<string, (long Value, int Version)> _lastSeen = new(StringComparer.Ordinal);

    public long SessionId => inner.SessionId;

    public string? Server => inner.Server;

    public async Task<(long Value, int Version)> ReadAsync(string path)
    {
        if (fault is PlantedFault.StaleCache && _lastSeen.TryGetValue(path, out var cached) && Next(2) == 0)
        {
            return cached;
        }

        var read = await inner.ReadAsync(path);
        _lastSeen[path] = read;
        return read;
    }

    public async Task<int> WriteAsync(string path, long value, int expectedVersion)
    {
        if (fault is PlantedFault.AckWithoutWrite && _lastSeen.TryGetValue(path, out var seen) && Next(20) == 0)
        {
            // The version a write after the last one seen would have made.
            return seen.Version + 1;
        }

        int version = await inner.WriteAsync(path, value, expectedVersion);
        _lastSeen[path] = (value, version);
        return version;
    }

    public Task AddAsync(string path) =>
        fault is PlantedFault.AckWithoutWrite && Next(10) == 0 ? Task.CompletedTask : inner.AddAsync(path);

    public Task WaitUntilConnectedAsync(TimeSpan timeout) => inner.WaitUntilConnectedAsync(timeout);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private int Next(int n)
    {
        lock (_random)
        {
            return _random.Next(n);
        }
    }
}
