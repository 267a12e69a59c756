namespace CoordAspire.Client.Recipes;

/// <summary>
/// A distributed, fair read/write lock (Curator's <c>InterProcessReadWriteLock</c>; "Shared Locks", ZooKeeper Recipes
/// and Solutions): any number of readers, or one writer. Both kinds queue under the same path in one sequence order:
/// a writer holds the lock when it is first of all contenders; a reader when no writer is ahead of it. So a waiting
/// writer is not starved by readers that come after it.
/// </summary>
/// <remarks>
/// Both locks are reentrant per asynchronous flow (see <see cref="DistributedLock"/>). A flow that holds the write lock
/// may also take the read lock (downgrading: take the read lock, then release the write lock); taking the write lock
/// while holding only the read lock waits forever, as in Curator.
/// </remarks>
public sealed class ReadWriteLock
{
    private const string ReadName = "__READ__";
    private const string WriteName = "__WRIT__";

    public ReadWriteLock(ZooKeeperClient client, string path)
    {
        WriteLock = new DistributedLock(client, path, WriteName, LockInternals.Exclusive);
        ReadLock = new DistributedLock(client, path, ReadName, ReadDecision);
        Path = path;
    }

    public string Path { get; }

    /// <summary>Shared: held together with other readers, never with a writer.</summary>
    public DistributedLock ReadLock { get; }

    /// <summary>Exclusive: held alone.</summary>
    public DistributedLock WriteLock { get; }

    /// <summary>A reader holds the lock when no writer is ahead of it; otherwise it watches the first writer ahead
    /// (Curator's <c>readLockPredicate</c>).</summary>
    private LockDecision ReadDecision(IReadOnlyList<string> sortedChildren, int ourIndex)
    {
        string? ownWriter = WriteLock.CurrentFlowNodePath is { } path ? RecipeSupport.NodeName(path) : null;
        for (int i = 0; i < ourIndex; i++)
        {
            string child = sortedChildren[i];
            if (child.Contains(WriteName, StringComparison.Ordinal) && child != ownWriter)
            {
                return new LockDecision(false, child);
            }
        }

        return new LockDecision(true, null);
    }
}
