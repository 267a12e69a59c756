using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>What a lock's contender sees: whether it holds the lock, and if not, the one child to watch.</summary>
internal readonly record struct LockDecision(bool Acquired, string? WatchName);

/// <summary>Decides from the lock's children (in sequence order) and our index whether we hold the lock.</summary>
internal delegate LockDecision LockDriver(IReadOnlyList<string> sortedChildren, int ourIndex);

/// <summary>
/// The lock protocol of the ZooKeeper recipes ("Locks", ZooKeeper Recipes and Solutions) as Curator's
/// <c>LockInternals</c> runs it: create an ephemeral sequential znode under the lock path, list the children; if ours
/// is first (per the driver) the lock is ours, otherwise watch only the one the driver names — the predecessor — so a
/// release wakes one waiter, not the herd — and look again when it goes.
/// </summary>
internal sealed class LockInternals(ZooKeeperClient client, string path, string lockName, LockDriver driver)
{
    public string Path { get; } = path;

    /// <summary>Mutual exclusion: the first in sequence order holds it; each waiter watches its predecessor.</summary>
    public static LockDecision Exclusive(IReadOnlyList<string> sortedChildren, int ourIndex) =>
        ourIndex == 0 ? new LockDecision(true, null) : new LockDecision(false, sortedChildren[ourIndex - 1]);

    /// <summary>Queues for the lock; returns our znode's path once it is held, or null when the deadline passed first
    /// (our znode is then gone again). Cancelling, a lost session or any failure also removes our znode.</summary>
    public async Task<string?> AcquireAsync(ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long? deadline = RecipeSupport.Deadline(timeout);
        string ourPath = await ProtectedNode.CreateAsync(client, Path, lockName, data, CreateMode.EphemeralSequential, cancellationToken)
            .ConfigureAwait(false);
        bool held = false;
        try
        {
            held = await WaitForLockAsync(ourPath, deadline, cancellationToken).ConfigureAwait(false);
            return held ? ourPath : null;
        }
        finally
        {
            if (!held && !client.State.IsTerminal())
            {
                await RecipeSupport.DeleteQuietlyAsync(client, ourPath, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the lock: deletes our znode, which wakes exactly the waiter behind us.</summary>
    public Task ReleaseAsync(string ourPath) => RecipeSupport.DeleteQuietlyAsync(client, ourPath);

    /// <summary>The lock's contenders in sequence order (their znode names).</summary>
    public async Task<IReadOnlyList<string>> GetSortedChildrenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var children = await RecipeSupport.RetryAsync(client, ct => client.GetChildrenAsync(Path, ct), cancellationToken).ConfigureAwait(false);
            // Every sequential child is a contender: a read/write lock's readers and writers share one queue.
            return RecipeSupport.SortBySequence(children, string.Empty);
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    private async Task<bool> WaitForLockAsync(string ourPath, long? deadline, CancellationToken cancellationToken)
    {
        string ourName = RecipeSupport.NodeName(ourPath);
        while (true)
        {
            var children = await GetSortedChildrenAsync(cancellationToken).ConfigureAwait(false);
            int ourIndex = IndexOf(children, ourName);
            if (ourIndex < 0)
            {
                // Our ephemeral is gone: the session expired (and the client is done), or someone deleted it.
                throw new NoNodeException(ourPath, $"the lock's znode {ourPath} is gone: was the session lost?");
            }

            var decision = driver(children, ourIndex);
            if (decision.Acquired)
            {
                return true;
            }

            string watchPath = RecipeSupport.Combine(Path, decision.WatchName!);
            var watch = new OneShotWatch();
            try
            {
                // getData, not exists: it sets a watch only when the znode is there, so a vanished predecessor leaves none behind.
                await RecipeSupport.RetryAsync(client, ct => client.GetDataAsync(watchPath, watch, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                continue;
            }

            if (!await RecipeSupport.WaitAsync(client, watch, watchPath, WatcherType.Data, deadline, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> children, string name)
    {
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
