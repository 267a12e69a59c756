using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// A double barrier (Curator's <c>DistributedDoubleBarrier</c>; "Double Barriers", ZooKeeper Recipes and Solutions):
/// <see cref="EnterAsync(CancellationToken)"/> returns once <see cref="MemberCount"/> members have entered, so they
/// start a computation together; <see cref="LeaveAsync(CancellationToken)"/> returns once all of them have left, so
/// they finish it together.
/// </summary>
/// <remarks>
/// Entering: put an ephemeral znode under the barrier and count the members; the one that completes the count creates
/// the <c>ready</c> znode, whose creation every waiting member watches. Leaving: delete our znode and wait until no
/// member znode is left — the lowest member watches the highest, every other member watches the lowest, so each
/// departure wakes at most one waiter besides the lowest.
/// </remarks>
public sealed class DoubleBarrier : IAsyncDisposable
{
    private const string ReadyName = "ready";

    private readonly ZooKeeperClient _client;
    private readonly string _readyPath;
    private readonly string _ourName = Guid.NewGuid().ToString("N");
    private readonly string _ourPath;
    private int _entered;

    public DoubleBarrier(ZooKeeperClient client, string path, int memberCount)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(memberCount, 1);
        _client = client;
        Path = path;
        MemberCount = memberCount;
        _readyPath = RecipeSupport.Combine(path, ReadyName);
        _ourPath = RecipeSupport.Combine(path, _ourName);
    }

    public string Path { get; }

    public int MemberCount { get; }

    /// <summary>Enters and waits until all members have.</summary>
    public Task EnterAsync(CancellationToken cancellationToken = default) => EnterCoreAsync(null, cancellationToken);

    /// <summary>Enters and waits up to <paramref name="timeout"/>; false (still entered) when not all members came in time.</summary>
    public Task<bool> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => EnterCoreAsync(timeout, cancellationToken);

    /// <summary>Leaves and waits until all members have.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => LeaveCoreAsync(null, cancellationToken);

    /// <summary>Leaves and waits up to <paramref name="timeout"/>; false when members remained then.</summary>
    public Task<bool> LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => LeaveCoreAsync(timeout, cancellationToken);

    /// <summary>Removes this member's znode if it is still there (a member that gives up without leaving).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _entered, 0) != 0 && !_client.State.IsTerminal())
        {
            try
            {
                await RecipeSupport.DeleteQuietlyAsync(_client, _ourPath).ConfigureAwait(false);
            }
            catch (KeeperException)
            {
            }
        }
    }

    private async Task<bool> EnterCoreAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long? deadline = RecipeSupport.Deadline(timeout);
        var ready = new OneShotWatch();
        bool isReady = await RecipeSupport.RetryAsync(_client, ct => _client.ExistsAsync(_readyPath, ready, ct), cancellationToken).ConfigureAwait(false) is not null;
        await CreateOurNodeAsync(cancellationToken).ConfigureAwait(false);
        while (!isReady)
        {
            var members = await MembersAsync(cancellationToken).ConfigureAwait(false);
            if (members.Count >= MemberCount)
            {
                try
                {
                    await RecipeSupport.RetryAsync(_client, ct => _client.CreateAsync(_readyPath, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    // another member completed the count at the same time
                }

                return true;
            }

            if (!await RecipeSupport.WaitAsync(_client, ready, _readyPath, WatcherType.Data, deadline, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            ready = new OneShotWatch();
            isReady = await RecipeSupport.RetryAsync(_client, ct => _client.ExistsAsync(_readyPath, ready, ct), cancellationToken).ConfigureAwait(false) is not null;
        }

        return true;
    }

    private async Task CreateOurNodeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await RecipeSupport.RetryAsync(_client, ct => _client.CreateAsync(_ourPath, mode: CreateMode.Ephemeral, cancellationToken: ct), cancellationToken)
                    .ConfigureAwait(false);
                break;
            }
            catch (NodeExistsException)
            {
                // a retried create whose first attempt went through: the name is ours alone
                break;
            }
            catch (NoNodeException)
            {
                await RecipeSupport.EnsurePathAsync(_client, Path, cancellationToken).ConfigureAwait(false);
            }
        }

        Volatile.Write(ref _entered, 1);
    }

    /// <summary>The members' znode names (the ready znode aside), sorted.</summary>
    private async Task<List<string>> MembersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var children = await RecipeSupport.RetryAsync(_client, ct => _client.GetChildrenAsync(Path, ct), cancellationToken).ConfigureAwait(false);
            return children.Where(c => c != ReadyName).Order(StringComparer.Ordinal).ToList();
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>Curator's <c>internalLeave</c>.</summary>
    private async Task<bool> LeaveCoreAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long? deadline = RecipeSupport.Deadline(timeout);
        bool ourNodeShouldExist = Volatile.Read(ref _entered) != 0;
        while (true)
        {
            var members = await MembersAsync(cancellationToken).ConfigureAwait(false);
            if (members.Count == 0)
            {
                break;
            }

            int ourIndex = members.IndexOf(_ourName);
            if (ourIndex < 0 && ourNodeShouldExist)
            {
                throw new NoNodeException(_ourPath, $"this member's znode {_ourPath} is gone: was the session lost?");
            }

            if (members.Count == 1)
            {
                // only we are left
                await DeleteOurNodeAsync(ourNodeShouldExist, cancellationToken).ConfigureAwait(false);
                break;
            }

            string watched;
            if (ourIndex == 0)
            {
                // the lowest member leaves last: it waits for the highest to go
                watched = RecipeSupport.Combine(Path, members[^1]);
            }
            else
            {
                watched = RecipeSupport.Combine(Path, members[0]);
                await DeleteOurNodeAsync(ourNodeShouldExist, cancellationToken).ConfigureAwait(false);
                ourNodeShouldExist = false;
            }

            var gone = new OneShotWatch();
            if (await RecipeSupport.RetryAsync(_client, ct => _client.ExistsAsync(watched, gone, ct), cancellationToken).ConfigureAwait(false) is null)
            {
                await RemoveWatchAsync(watched, gone).ConfigureAwait(false);
                continue;
            }

            if (!await RecipeSupport.WaitAsync(_client, gone, watched, WatcherType.Data, deadline, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        // Everyone has left: the barrier can be used again.
        await RecipeSupport.DeleteQuietlyAsync(_client, _readyPath, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task DeleteOurNodeAsync(bool ourNodeShouldExist, CancellationToken cancellationToken)
    {
        if (ourNodeShouldExist)
        {
            await RecipeSupport.DeleteQuietlyAsync(_client, _ourPath, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _entered, 0);
        }
    }

    /// <summary>exists leaves a watch on a missing znode; drop it rather than let it wait for a creation that never comes.</summary>
    private async Task RemoveWatchAsync(string path, OneShotWatch watch)
    {
        try
        {
            await _client.RemoveWatchesAsync(path, watch, WatcherType.Data, local: true).ConfigureAwait(false);
        }
        catch (KeeperException)
        {
        }
    }
}
