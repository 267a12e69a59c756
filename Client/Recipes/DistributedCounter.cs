using System.Buffers.Binary;

namespace CoordAspire.Client.Recipes;

/// <summary>The value before and after a successful <see cref="DistributedCounter"/> update.</summary>
public readonly record struct CounterUpdate(long PreValue, long PostValue);

/// <summary>
/// A 64-bit counter in one znode, updated by optimistic concurrency (Curator's <c>DistributedAtomicLong</c> in its
/// optimistic mode): read the value and its version, write the new value conditioned on that version
/// (<c>setData</c> with the version), and when another client won the race (BadVersion) read again and retry. The value
/// is stored as 8 big-endian bytes, as Curator stores it, so both can share a counter. A missing znode reads as 0.
/// </summary>
/// <remarks>
/// A write whose reply is lost (<see cref="ConnectionLossException"/>) is not retried: it may have been applied, and
/// applying it twice would count twice. The exception reaches the caller, who knows whether counting twice is worse
/// than counting once too few.
/// </remarks>
public sealed class DistributedCounter
{
    private readonly ZooKeeperClient _client;

    public DistributedCounter(ZooKeeperClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        _client = client;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The current value (0 when the counter was never written).</summary>
    public async Task<long> GetAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).Value;

    public Task<CounterUpdate> IncrementAsync(CancellationToken cancellationToken = default) => AddAsync(1, cancellationToken);

    public Task<CounterUpdate> DecrementAsync(CancellationToken cancellationToken = default) => AddAsync(-1, cancellationToken);

    /// <summary>Adds <paramref name="delta"/>, retrying until this client's write wins.</summary>
    public Task<CounterUpdate> AddAsync(long delta, CancellationToken cancellationToken = default) =>
        UpdateAsync(value => value + delta, cancellationToken);

    /// <summary>Replaces the value unconditionally.</summary>
    public Task<CounterUpdate> SetAsync(long value, CancellationToken cancellationToken = default) =>
        UpdateAsync(_ => value, cancellationToken);

    /// <summary>Sets <paramref name="newValue"/> only if the value is <paramref name="expected"/>; false (nothing
    /// written) when it is not.</summary>
    public async Task<bool> CompareAndSetAsync(long expected, long newValue, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (value, version) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (value != expected)
            {
                return false;
            }

            if (await TryWriteAsync(newValue, version, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    /// <summary>The CAS loop: read, compute, write conditioned on the version read.</summary>
    public async Task<CounterUpdate> UpdateAsync(Func<long, long> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        for (int attempt = 0; ; attempt++)
        {
            var (value, version) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            long next = update(value);
            if (await TryWriteAsync(next, version, cancellationToken).ConfigureAwait(false))
            {
                return new CounterUpdate(value, next);
            }

            if (attempt > 2)
            {
                // Heavy contention: a little jitter lets one contender through instead of all of them failing again.
                await Task.Delay(Random.Shared.Next(1 + Math.Min(attempt, 20)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The value and its znode version; version -1 when the znode does not exist.</summary>
    private async Task<(long Value, int Version)> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (data, stat) = await RecipeSupport.RetryAsync(_client, ct => _client.GetDataAsync(Path, ct), cancellationToken).ConfigureAwait(false);
            return (Decode(data), stat.Version);
        }
        catch (NoNodeException)
        {
            return (0, -1);
        }
    }

    /// <summary>Writes if the znode is still at <paramref name="version"/> (-1: still missing); false when another client got there first.</summary>
    private async Task<bool> TryWriteAsync(long value, int version, CancellationToken cancellationToken)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        try
        {
            if (version < 0)
            {
                await RecipeSupport.EnsurePathAsync(_client, RecipeSupport.Parent(Path), cancellationToken).ConfigureAwait(false);
                await _client.CreateAsync(Path, bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _client.SetDataAsync(Path, bytes, version, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is BadVersionException or NodeExistsException or NoNodeException)
        {
            return false;
        }
    }

    private static long Decode(byte[] data) => data.Length switch
    {
        0 => 0,
        sizeof(long) => BinaryPrimitives.ReadInt64BigEndian(data),
        _ => throw new FormatException($"a counter holds {sizeof(long)} bytes, the znode has {data.Length}"),
    };
}
