using System.Buffers.Binary;
using CoordAspire.Client.Recipes;

namespace CoordAspire.Client.Tests;

/// <summary>Double barrier, counter and queue: the recipes that coordinate many sessions on shared znodes.</summary>
public abstract class CoordinationRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Barrier_members_enter_together_and_leave_together()
    {
        var barriers = new List<DoubleBarrier>();
        for (int i = 0; i < 3; i++)
        {
            barriers.Add(new DoubleBarrier(await ConnectAsync(), P("barrier"), memberCount: 3));
        }

        var entering = barriers.Take(2).Select(b => b.EnterAsync()).ToList();
        await Task.Delay(400);
        Assert.All(entering, t => Assert.False(t.IsCompleted));

        entering.Add(barriers[2].EnterAsync());
        await Task.WhenAll(entering).WaitAsync(Timeout);

        var leaving = barriers.Take(2).Select(b => b.LeaveAsync()).ToList();
        await Task.Delay(400);
        Assert.All(leaving, t => Assert.False(t.IsCompleted));

        leaving.Add(barriers[2].LeaveAsync());
        await Task.WhenAll(leaving).WaitAsync(Timeout);
        Assert.Empty(await ChildrenOrNoneAsync(P("barrier")));
    }

    [Fact]
    public async Task Barrier_enter_times_out_when_members_are_missing()
    {
        await using var barrier = new DoubleBarrier(Client, P("barrier"), memberCount: 2);
        Assert.False(await barrier.EnterAsync(TimeSpan.FromMilliseconds(300)));
        await using var late = new DoubleBarrier(await ConnectAsync(), P("barrier"), memberCount: 2);
        Assert.True(await late.EnterAsync(Timeout));
        Assert.True(await barrier.EnterAsync(Timeout));
    }

    [Fact]
    public async Task Concurrent_increments_from_many_sessions_are_all_counted()
    {
        var posts = new List<long>();
        var workers = new List<Task>();
        for (int c = 0; c < 4; c++)
        {
            var counter = new DistributedCounter(await ConnectAsync(), P("counter"));
            workers.AddRange(Enumerable.Range(0, 25).Select(_ => Task.Run(async () =>
            {
                var update = await counter.IncrementAsync();
                Assert.Equal(update.PreValue + 1, update.PostValue);
                lock (posts)
                {
                    posts.Add(update.PostValue);
                }
            })));
        }

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(100, await new DistributedCounter(Client, P("counter")).GetAsync());
        // Every increment saw its own value: no two writes were based on the same read.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), posts.Order());
    }

    [Fact]
    public async Task Counter_compare_and_set_writes_only_over_the_expected_value()
    {
        var counter = new DistributedCounter(Client, P("counter"));
        Assert.Equal(0, await counter.GetAsync());
        Assert.True(await counter.CompareAndSetAsync(0, 5));
        Assert.False(await counter.CompareAndSetAsync(0, 7));
        Assert.Equal(new CounterUpdate(5, 2), await counter.AddAsync(-3));

        // Curator's encoding: 8 bytes, big-endian.
        var (data, _) = await Client.GetDataAsync(P("counter"));
        Assert.Equal(2, BinaryPrimitives.ReadInt64BigEndian(data));
    }

    [Fact]
    public async Task Queue_items_come_out_in_the_order_they_went_in()
    {
        var queue = new DistributedQueue(Client, P("queue"));
        Assert.Null(await queue.TryDequeueAsync());
        for (int i = 0; i < 20; i++)
        {
            await queue.EnqueueAsync(Bytes($"item-{i}"));
        }

        Assert.Equal(20, await queue.CountAsync());
        Assert.Equal("item-0", Text((await queue.PeekAsync())!));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"item-{i}", Text(await queue.DequeueAsync()));
        }

        Assert.Null(await queue.TryDequeueAsync());
    }

    [Fact]
    public async Task Many_consumers_take_every_item_exactly_once()
    {
        var producers = new List<Task>();
        for (int p = 0; p < 2; p++)
        {
            int producer = p;
            var queue = new DistributedQueue(await ConnectAsync(), P("queue"));
            producers.Add(Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++)
                {
                    await queue.EnqueueAsync(Bytes($"{producer}:{i}"));
                }
            }));
        }

        var taken = new List<string>();
        using var done = new CancellationTokenSource();
        var consumers = new List<Task>();
        for (int c = 0; c < 3; c++)
        {
            var queue = new DistributedQueue(await ConnectAsync(), P("queue"));
            consumers.Add(Task.Run(async () =>
            {
                while (true)
                {
                    byte[] item;
                    try
                    {
                        item = await queue.DequeueAsync(done.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    lock (taken)
                    {
                        taken.Add(Text(item));
                        if (taken.Count == 100)
                        {
                            done.Cancel();
                        }
                    }
                }
            }));
        }

        await Task.WhenAll(producers).WaitAsync(Timeout);
        await Task.WhenAll(consumers).WaitAsync(Timeout);
        Assert.Equal(100, taken.Count);
        Assert.Equal(100, taken.Distinct().Count());
        Assert.Equal(
            Enumerable.Range(0, 2).SelectMany(p => Enumerable.Range(0, 50).Select(i => $"{p}:{i}")).Order(StringComparer.Ordinal),
            taken.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dequeue_waits_for_an_item()
    {
        var consumer = new DistributedQueue(Client, P("queue"));
        var taking = consumer.DequeueAsync();
        await Task.Delay(300);
        Assert.False(taking.IsCompleted);

        await new DistributedQueue(await ConnectAsync(), P("queue")).EnqueueAsync(Bytes("late"));
        Assert.Equal("late", Text(await taking.WaitAsync(Timeout)));
    }
}
