using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// What every recipe needs (Curator's <c>ZKPaths</c>, <c>RetryLoop</c> and <c>creatingParentContainersIfNeeded</c>):
/// path arithmetic, retrying idempotent operations across a lost connection, creating a recipe's base path, ordering
/// sequential children.
/// </summary>
internal static class RecipeSupport
{
    /// <summary>Sequential znodes end in a 10-digit counter (<c>String.format("%010d")</c> in <c>PrepRequestProcessor</c>).</summary>
    public const int SequenceDigits = 10;

    public static string Combine(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    public static string NodeName(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The sequence number a sequential znode's name ends in, or null for a name that has none.</summary>
    public static long? Sequence(string name)
    {
        if (name.Length < SequenceDigits)
        {
            return null;
        }

        return long.TryParse(name.AsSpan(name.Length - SequenceDigits), System.Globalization.NumberStyles.None, null, out long sequence)
            ? sequence
            : null;
    }

    /// <summary>The children that contain <paramref name="marker"/> and end in a sequence number, in sequence order —
    /// the order the server created them in, whatever protection prefix they carry.</summary>
    public static List<string> SortBySequence(IEnumerable<string> children, string marker) =>
        children.Where(c => c.Contains(marker, StringComparison.Ordinal) && Sequence(c) is not null)
            .OrderBy(c => Sequence(c)!.Value)
            .ToList();

    /// <summary>
    /// Runs an idempotent operation, retrying it after <see cref="ConnectionLossException"/> while the client
    /// reconnects (Curator's <c>RetryLoop</c>), for up to twice the session timeout: a connection lost for longer has
    /// surely lost its session, and the caller should hear about it.
    /// </summary>
    public static async Task<T> RetryAsync<T>(ZooKeeperClient client, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        long giveUpAt = 0;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectionLossException) when (!cancellationToken.IsCancellationRequested && !client.State.IsTerminal())
            {
                long now = Environment.TickCount64;
                if (giveUpAt == 0)
                {
                    giveUpAt = now + (long)(2 * client.SessionTimeout.TotalMilliseconds);
                }
                else if (now > giveUpAt)
                {
                    throw;
                }

                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task RetryAsync(ZooKeeperClient client, Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken) =>
        RetryAsync(client, async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>A short, growing pause between attempts: the client is reconnecting meanwhile.</summary>
    public static Task BackoffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 << Math.Min(attempt, 4), 1000) + Random.Shared.Next(25)), cancellationToken);

    /// <summary>
    /// Creates <paramref name="path"/> and its missing ancestors as container znodes (Curator's
    /// <c>creatingParentContainersIfNeeded</c>): the server removes them once their last child is gone, so recipes
    /// leave no litter behind. Recipes re-run this when a create fails with NoNode because the container went away.
    /// </summary>
    public static async Task EnsurePathAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        if (path == "/" || await RetryAsync(client, ct => client.ExistsAsync(path, ct), cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        int next = 0;
        while (next >= 0)
        {
            next = path.IndexOf('/', next + 1);
            string prefix = next < 0 ? path : path[..next];
            try
            {
                await RetryAsync(client, ct => client.CreateAsync(prefix, mode: CreateMode.Container, cancellationToken: ct), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // someone else (or our own retried attempt) made it
            }
            catch (NoNodeException) when (prefix != path)
            {
                // a container above was reaped between our creates: start again from the top
                next = 0;
            }
        }
    }

    /// <summary>Deletes a znode, retrying across a lost connection; a znode already gone is fine.</summary>
    public static async Task DeleteQuietlyAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await RetryAsync(client, ct => client.DeleteAsync(path, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }

    /// <summary>Waits for a one-shot watch to fire; false when <paramref name="deadline"/> (a <see cref="Environment.TickCount64"/>,
    /// or null for none) passes first. Throws when the session ends (the watch faults with SessionExpired).</summary>
    public static async Task<bool> WaitAsync(ZooKeeperClient client, OneShotWatch watch, string path, WatcherType type, long? deadline, CancellationToken cancellationToken)
    {
        try
        {
            if (deadline is not long until)
            {
                await watch.Triggered.WaitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }

            long remaining = until - Environment.TickCount64;
            if (remaining > 0)
            {
                await watch.Triggered.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ForgetAsync(client, watch, path, type).ConfigureAwait(false);
            throw;
        }

        await ForgetAsync(client, watch, path, type).ConfigureAwait(false);
        return false;
    }

    /// <summary>Drops a one-shot watch nobody waits for any more (locally only: the server's watch, shared with other
    /// watchers of the path, fires once into nothing).</summary>
    private static async Task ForgetAsync(ZooKeeperClient client, OneShotWatch watch, string path, WatcherType type)
    {
        try
        {
            await client.RemoveWatchesAsync(path, watch, type, local: true).ConfigureAwait(false);
        }
        catch (KeeperException)
        {
            // already fired, or the client is closed
        }
    }

    public static long? Deadline(TimeSpan? timeout) =>
        timeout is { } t ? Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds) : null;
}
