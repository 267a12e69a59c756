namespace CoordAspire.Client.Recipes;

/// <summary>
/// A distributed, fair, reentrant mutex (Curator's <c>InterProcessMutex</c>): whoever holds it, on any client of the
/// ensemble, is alone in the critical section; waiters get it in the order they asked for it (the sequence order of
/// their ephemeral znodes under <see cref="Path"/>); a holder whose session ends loses it to the next waiter.
/// </summary>
/// <remarks>
/// <para>Reentrancy follows the asynchronous flow, as Curator's follows the thread: a flow that holds the lock (and the
/// tasks it starts while holding it) gets it again at once; every other flow waits, even on the same instance. Each
/// <see cref="LockHandle"/> releases one acquisition; the last release deletes the znode. Two instances on one path
/// are two contenders, also within one flow.</para>
/// <para>The lock is only as good as the session: after a ConnectionLoss the holder cannot know whether its session
/// (and so its lock) outlives the outage. Watch <see cref="ZooKeeperClient.StateChanged"/> when that matters.</para>
/// </remarks>
public sealed class DistributedLock
{
    private readonly AsyncLocal<Ownership?> _owner = new();
    private readonly LockInternals _internals;

    public DistributedLock(ZooKeeperClient client, string path)
        : this(client, path, "lock-", LockInternals.Exclusive)
    {
    }

    internal DistributedLock(ZooKeeperClient client, string path, string lockName, LockDriver driver)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        Client = client;
        _internals = new LockInternals(client, path, lockName, driver);
    }

    public ZooKeeperClient Client { get; }

    /// <summary>The znode under which contenders queue.</summary>
    public string Path => _internals.Path;

    /// <summary>Whether the current asynchronous flow holds this lock.</summary>
    public bool IsHeldByCurrentFlow => _owner.Value is { Count: > 0 };

    /// <summary>Bytes stored in this instance's lock znodes (Curator's <c>lockNodeBytes</c>), e.g. who holds it.</summary>
    public ReadOnlyMemory<byte> NodeData { get; init; }

    /// <summary>Waits until the lock is held. Dispose the handle to release it (<c>await using</c>).</summary>
    public ValueTask<LockHandle> AcquireAsync(CancellationToken cancellationToken = default)
    {
        var pending = AcquireCoreAsync(Enter(), null, cancellationToken);
        return pending.IsCompletedSuccessfully ? new(pending.Result!) : NotNull(pending);

        static async ValueTask<LockHandle> NotNull(ValueTask<LockHandle?> pending) => (await pending.ConfigureAwait(false))!;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; null when someone else still holds it then.</summary>
    public ValueTask<LockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AcquireCoreAsync(Enter(), timeout, cancellationToken);

    /// <summary>The contenders' znode names, holder first (Curator's <c>getParticipantNodes</c>).</summary>
    public Task<IReadOnlyList<string>> GetParticipantsAsync(CancellationToken cancellationToken = default) =>
        _internals.GetSortedChildrenAsync(cancellationToken);

    /// <summary>The path of the znode through which the current flow holds the lock, or null.</summary>
    internal string? CurrentFlowNodePath => _owner.Value is { Count: > 0 } owner ? owner.NodePath : null;

    /// <summary>
    /// Runs synchronously in the caller's flow — before any await — so that the ownership it records stays visible
    /// to the caller after the acquisition completes (an AsyncLocal set inside an async method would be undone on return).
    /// </summary>
    private Ownership Enter()
    {
        var owner = _owner.Value;
        if (owner is null || owner.Count == 0)
        {
            owner = new Ownership();
            _owner.Value = owner;
        }

        return owner;
    }

    private async ValueTask<LockHandle?> AcquireCoreAsync(Ownership owner, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        lock (owner)
        {
            if (owner.Count > 0)
            {
                owner.Count++;
                return new LockHandle(this, owner);
            }
        }

        string? path = await _internals.AcquireAsync(NodeData, timeout, cancellationToken).ConfigureAwait(false);
        if (path is null)
        {
            return null;
        }

        lock (owner)
        {
            owner.NodePath = path;
            owner.Count = 1;
        }

        return new LockHandle(this, owner);
    }

    internal async ValueTask ReleaseAsync(Ownership owner)
    {
        string? path;
        lock (owner)
        {
            if (--owner.Count > 0)
            {
                return;
            }

            path = owner.NodePath;
            owner.NodePath = null;
        }

        if (path is not null)
        {
            await _internals.ReleaseAsync(path).ConfigureAwait(false);
        }
    }

    internal sealed class Ownership
    {
        public string? NodePath;
        public int Count;
    }
}

/// <summary>One acquisition of a <see cref="DistributedLock"/>; disposing it releases that acquisition (once).</summary>
public sealed class LockHandle : IAsyncDisposable
{
    private readonly DistributedLock _lock;
    private readonly DistributedLock.Ownership _owner;
    private int _released;

    internal LockHandle(DistributedLock @lock, DistributedLock.Ownership owner)
    {
        _lock = @lock;
        _owner = owner;
        NodePath = owner.NodePath!;
    }

    /// <summary>The ephemeral sequential znode that holds the lock.</summary>
    public string NodePath { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _lock.ReleaseAsync(_owner) : ValueTask.CompletedTask;
}
