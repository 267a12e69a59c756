using CoordAspire.Client.Recipes;

namespace CoordAspire.Client.Tests;

/// <summary>The distributed mutex: exclusion across sessions and flows, reentrancy, fairness, release on session end.</summary>
public abstract class LockRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Concurrent_holders_on_many_sessions_never_overlap()
    {
        var clients = new List<ZooKeeperClient>();
        for (int i = 0; i < 4; i++)
        {
            clients.Add(await ConnectAsync());
        }

        int inside = 0, maxInside = 0;
        long shared = 0;
        var workers = clients.SelectMany(client => Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var mutex = new DistributedLock(client, P("lock"));
            for (int round = 0; round < 5; round++)
            {
                await using (await mutex.AcquireAsync())
                {
                    int now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref maxInside, now);
                    // A read-modify-write with an await in between: any overlap loses an update.
                    long read = shared;
                    await Task.Delay(Random.Shared.Next(1, 4));
                    shared = read + 1;
                    Interlocked.Decrement(ref inside);
                }
            }
        }))).ToList();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, maxInside);
        Assert.Equal(4 * 3 * 5, shared);
        Assert.Empty(await ChildrenOrNoneAsync(P("lock")));
    }

    [Fact]
    public async Task One_instance_shared_by_concurrent_flows_still_excludes()
    {
        var mutex = new DistributedLock(Client, P("lock"));
        int inside = 0, maxInside = 0;
        long shared = 0;
        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (int round = 0; round < 4; round++)
            {
                await using (await mutex.AcquireAsync())
                {
                    InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                    long read = shared;
                    await Task.Yield();
                    await Task.Delay(1);
                    shared = read + 1;
                    Interlocked.Decrement(ref inside);
                }
            }
        })).ToList();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, maxInside);
        Assert.Equal(24, shared);
    }

    [Fact]
    public async Task The_holding_flow_reenters_and_the_last_release_frees_the_lock()
    {
        var other = new DistributedLock(await ConnectAsync(), P("lock"));
        var mutex = new DistributedLock(Client, P("lock"));

        var outer = await mutex.AcquireAsync();
        var inner = await mutex.AcquireAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(mutex.IsHeldByCurrentFlow);
        Assert.Equal(outer.NodePath, inner.NodePath);
        Assert.Single(await mutex.GetParticipantsAsync());

        await inner.DisposeAsync();
        Assert.Null(await other.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        await outer.DisposeAsync();
        Assert.False(mutex.IsHeldByCurrentFlow);
        await using var taken = await other.TryAcquireAsync(Timeout);
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task Waiters_get_the_lock_in_the_order_they_queued()
    {
        var holder = await new DistributedLock(Client, P("lock")).AcquireAsync();
        var order = new List<int>();
        var waiters = new List<Task>();
        for (int i = 1; i <= 4; i++)
        {
            int id = i;
            var mutex = new DistributedLock(await ConnectAsync(), P("lock"));
            waiters.Add(Task.Run(async () =>
            {
                await using (await mutex.AcquireAsync())
                {
                    lock (order)
                    {
                        order.Add(id);
                    }
                }
            }));
            // The next waiter starts only once this one's znode is in the queue.
            await EventuallyAsync(async () => (await mutex.GetParticipantsAsync()).Count == id + 1, $"waiter {id} queued");
        }

        await holder.DisposeAsync();
        await Task.WhenAll(waiters).WaitAsync(Timeout);
        Assert.Equal([1, 2, 3, 4], order);
    }

    [Fact]
    public async Task A_holder_whose_session_ends_hands_the_lock_on()
    {
        var holderClient = await ConnectAsync();
        await new DistributedLock(holderClient, P("lock")).AcquireAsync();
        var waiter = new DistributedLock(Client, P("lock"));
        var waiting = waiter.AcquireAsync().AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await holderClient.CloseAsync();
        await using var handle = await waiting.WaitAsync(Timeout);
        Assert.Single(await waiter.GetParticipantsAsync());
    }

    [Fact]
    public async Task A_cancelled_or_timed_out_waiter_leaves_the_queue()
    {
        var mutex = new DistributedLock(Client, P("lock"));
        var holder = await mutex.AcquireAsync();
        var other = new DistributedLock(await ConnectAsync(), P("lock"));

        Assert.Null(await other.TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Single(await mutex.GetParticipantsAsync());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await other.AcquireAsync(cts.Token));
        Assert.Single(await mutex.GetParticipantsAsync());

        await holder.DisposeAsync();
        await using var next = await other.TryAcquireAsync(Timeout);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_create_whose_reply_is_lost_leaves_no_orphan_in_the_queue()
    {
        // Protection mode: a dropped connection right after the create is sent either lost the create (it is made
        // again) or only its reply (the _c_{guid} name finds it). Either way exactly one znode queues for us; an orphan
        // ahead of it would make this acquisition wait for ever.
        var client = await ConnectAsync();
        var mutex = new DistributedLock(client, P("lock"));
        for (int i = 0; i < 5; i++)
        {
            var acquiring = mutex.AcquireAsync().AsTask();
            client.DropConnection();
            await using (var handle = await acquiring.WaitAsync(Timeout))
            {
                Assert.Equal([ZNodeName(handle.NodePath)], await ChildrenOrNoneAsync(P("lock")));
                Assert.StartsWith("_c_", ZNodeName(handle.NodePath), StringComparison.Ordinal);
            }

            Assert.Empty(await ChildrenOrNoneAsync(P("lock")));
        }
    }

    [Fact]
    public async Task A_create_applied_but_unanswered_is_found_by_its_protected_name()
    {
        var client = await ConnectAsync();
        var mutex = new DistributedLock(client, P("lock"));
        await Client.CreateAsync(P("lock"));
        client.TestHooks.LoseCreateReplies = 1;

        // Without protection the retried create would queue a second znode behind the first — both ours, the first
        // never released — and this would wait for ever.
        await using var handle = await mutex.AcquireAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(0, client.TestHooks.LoseCreateReplies);
        Assert.Equal([ZNodeName(handle.NodePath)], await Client.GetChildrenAsync(P("lock")));
    }

    protected static string ZNodeName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
