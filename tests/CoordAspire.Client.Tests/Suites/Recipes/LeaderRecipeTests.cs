using CoordAspire.Client.Recipes;

namespace CoordAspire.Client.Tests;

/// <summary>Leader latch and leader election: one leader at a time, failover when the leader's session ends.</summary>
public abstract class LeaderRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task One_latch_leads_and_leadership_fails_over_when_its_client_closes()
    {
        var clients = new List<ZooKeeperClient>();
        var latches = new List<LeaderLatch>();
        for (int i = 0; i < 3; i++)
        {
            var client = await ConnectAsync();
            var latch = new LeaderLatch(client, P("latch"), $"p{i}");
            await latch.StartAsync();
            clients.Add(client);
            latches.Add(latch);
        }

        try
        {
            await EventuallyAsync(() => latches.Count(l => l.HasLeadership) == 1, "one leader");
            await Task.Delay(200);
            var leader = Assert.Single(latches, l => l.HasLeadership);
            Assert.Same(latches[0], leader);
            Assert.Equal("p0", await latches[2].GetLeaderIdAsync());

            // The leader's session ends: the next in line (only it) takes over.
            await clients[0].CloseAsync();
            await EventuallyAsync(() => latches[1].HasLeadership, "the second participant leads");
            await EventuallyAsync(() => !latches[0].HasLeadership, "the closed participant knows it lost leadership");
            Assert.False(latches[2].HasLeadership);
            Assert.Equal("p1", await latches[2].GetLeaderIdAsync());

            // Leaving the election hands leadership on as well.
            await latches[1].DisposeAsync();
            Assert.True(await latches[2].AwaitLeadershipAsync(Timeout));
        }
        finally
        {
            foreach (var latch in latches)
            {
                await latch.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Leadership_changes_stream_as_they_happen()
    {
        await using var first = new LeaderLatch(Client, P("latch"), "a");
        await first.StartAsync();
        Assert.True(await first.AwaitLeadershipAsync(Timeout));

        var second = new LeaderLatch(await ConnectAsync(), P("latch"), "b");
        await second.StartAsync();
        using var cts = new CancellationTokenSource(Timeout);
        var seen = new List<bool>();
        await using var changes = second.LeadershipChangesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await changes.MoveNextAsync());
        seen.Add(changes.Current);

        await first.DisposeAsync();
        Assert.True(await changes.MoveNextAsync());
        seen.Add(changes.Current);
        Assert.Equal([false, true], seen);

        await second.DisposeAsync();
        Assert.True(await changes.MoveNextAsync());
        Assert.False(changes.Current);
        Assert.False(await changes.MoveNextAsync());
    }

    [Fact]
    public async Task A_latch_gives_up_leadership_while_disconnected_and_takes_it_back()
    {
        var client = await ConnectAsync(new ZooKeeperClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(500) });
        await using var latch = new LeaderLatch(client, P("latch"));
        await latch.StartAsync();
        Assert.True(await latch.AwaitLeadershipAsync(Timeout));
        var changes = new List<bool>();
        latch.LeadershipChanged += (_, leads) => { lock (changes) { changes.Add(leads); } };

        client.DropConnection();
        await EventuallyAsync(() => { lock (changes) { return changes.Count == 2; } }, "leadership lost and regained");
        Assert.Equal([false, true], changes);
        Assert.True(latch.HasLeadership);
    }

    [Fact]
    public async Task Elected_leaders_never_overlap_and_each_leads_once()
    {
        int inside = 0, maxInside = 0;
        var terms = new List<string>();
        var elections = new List<LeaderElection>();
        for (int i = 0; i < 4; i++)
        {
            string id = $"p{i}";
            var election = new LeaderElection(await ConnectAsync(), P("election"), async token =>
            {
                InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                lock (terms)
                {
                    terms.Add(id);
                }

                await Task.Delay(100, token);
                Interlocked.Decrement(ref inside);
            }, id) { AutoRequeue = false };
            elections.Add(election);
        }

        elections.ForEach(e => e.Start());
        await Task.WhenAll(elections.Select(e => e.Completion)).WaitAsync(Timeout);
        foreach (var election in elections)
        {
            await election.DisposeAsync();
        }

        Assert.Equal(1, maxInside);
        Assert.Equal(["p0", "p1", "p2", "p3"], terms.Order());
    }

    [Fact]
    public async Task An_elected_leader_whose_connection_is_lost_is_told_to_stop_and_another_takes_over()
    {
        var leaderClient = await ConnectAsync(new ZooKeeperClientOptions { ReconnectDelay = TimeSpan.FromSeconds(2) });
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var first = new LeaderElection(leaderClient, P("election"), async token =>
        {
            try
            {
                await Task.Delay(Timeout.Multiply(10), token);
            }
            finally
            {
                stopped.TrySetResult();
            }
        }, "first") { AutoRequeue = false };
        first.Start();
        await EventuallyAsync(() => first.IsLeader, "the first participant leads");

        var secondLeads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var second = new LeaderElection(Client, P("election"), async token =>
        {
            secondLeads.TrySetResult();
            await Task.Delay(Timeout.Multiply(10), token);
        }, "second");
        second.Start();
        await Task.Delay(300);
        Assert.False(secondLeads.Task.IsCompleted);
        Assert.Equal("first", await second.GetLeaderIdAsync());

        // A lost connection cancels the term at once (the session may be gone, and another may lead); once the
        // connection is back, the lock is released and the next participant leads.
        leaderClient.DropConnection();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await EventuallyAsync(() => !first.IsLeader, "the first participant's term ended");
        await secondLeads.Task.WaitAsync(Timeout);
        Assert.True(second.IsLeader);
        Assert.Equal("second", await second.GetLeaderIdAsync());
    }
}
