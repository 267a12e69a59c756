using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CoordAspire.Client;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using Xunit.Abstractions;

namespace CoordAspire.Node.Tests.Replication;

/// <summary>
/// Real ensembles of Node processes on loopback, configured from zoo.cfg and myid as a ZooKeeper install guide
/// says: they elect one leader, replicate every write to every member, survive the leader's SIGKILL without losing
/// an acknowledged write, refuse writes without a quorum, catch restarted members up, and keep a session (with its
/// ephemerals and watches) when its client moves to another member.
/// </summary>
public sealed class EnsembleTests(ITestOutputHelper output)
{
    private static readonly ZooKeeperClientOptions Options = new() { SessionTimeout = TimeSpan.FromSeconds(8) };

    [Fact]
    public async Task Three_members_elect_one_leader_and_every_member_serves_every_write()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        var modes = await Task.WhenAll(ensemble.Members.Select(m => m.ModeAsync()));
        Assert.Equal(["follower", "follower", "leader"], modes.Order());

        // Writes through each member (two of them followers, which forward to the leader).
        foreach (var member in ensemble.Members)
        {
            await using var client = await ZooKeeperClient.ConnectAsync(member.ConnectString, Options);
            await client.CreateAsync($"/written-at-{member.Id}", Encoding.UTF8.GetBytes($"via {member.Id}"));
            await client.SetDataAsync($"/written-at-{member.Id}", Encoding.UTF8.GetBytes($"set via {member.Id}"));

            // A client reads its own write on the server it talks to.
            var (data, _) = await client.GetDataAsync($"/written-at-{member.Id}");
            Assert.Equal($"set via {member.Id}", Encoding.UTF8.GetString(data));
        }

        // Every member has every node with the same Stat, after a sync brings it up to date.
        Stat? reference = null;
        foreach (var member in ensemble.Members)
        {
            await using var client = await ZooKeeperClient.ConnectAsync(member.ConnectString, Options);
            await client.SyncAsync("/");
            foreach (var writer in ensemble.Members)
            {
                var (data, stat) = await client.GetDataAsync($"/written-at-{writer.Id}");
                Assert.Equal($"set via {writer.Id}", Encoding.UTF8.GetString(data));
                Assert.Equal(1, stat.Version);
                if (writer.Id == 1)
                {
                    Assert.True(reference is null || reference == stat, $"server.{member.Id} has a different Stat: {stat} vs {reference}");
                    reference = stat;
                }
            }
        }

        // zkServer.sh status, ours: the mode from the member's own zoo.cfg.
        foreach (var member in ensemble.Members)
        {
            var status = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "status", member.ConfigPath], null, TimeSpan.FromSeconds(30));
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Equal([member == leader ? "Mode: leader" : "Mode: follower"], status.StdoutLines.Where(l => l.Length > 0));
            Assert.Contains($"Client port found: {member.ClientPort}.", status.Stderr, StringComparison.Ordinal);
        }

        // The same with no zoo.cfg, as a container's health check runs it: the member described by the ZOO_*
        // variables the official image takes (its dataDir holds the myid the status reads).
        string servers = string.Join(' ', ensemble.Members.Select(m => $"server.{m.Id}=127.0.0.1:{m.QuorumPort}:{m.ElectionPort};127.0.0.1:{m.ClientPort}"));
        foreach (var member in ensemble.Members)
        {
            var environment = new Dictionary<string, string>
            {
                ["ZOO_DATA_DIR"] = Path.Combine(member.Directory, "data"),
                ["ZOO_SERVERS"] = servers,
                ["ZOO_MY_ID"] = member.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var status = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "status"], null, TimeSpan.FromSeconds(30), environment);
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Equal([member == leader ? "Mode: leader" : "Mode: follower"], status.StdoutLines.Where(l => l.Length > 0));
            Assert.Contains("Using config: ZOO_* environment variables", status.Stderr, StringComparison.Ordinal);
            Assert.Contains($"Client port found: {member.ClientPort}. Client address: 127.0.0.1.", status.Stderr, StringComparison.Ordinal);
        }

        output.WriteLine($"leader: {leader}");
    }

    [JavaFact]
    public async Task ZooKeepers_own_Java_client_writes_through_one_member_and_reads_on_every_member()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        var follower = ensemble.Members.First(m => m != leader);

        var write = await JavaZooKeeperClient.RunScriptAsync(follower.ConnectString, "create /from-java hello\ncreate /from-java/eph x mode=EPHEMERAL\nset /from-java world\n");
        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.Equal(["ok /from-java", "ok /from-java/eph"], write.StdoutLines.Where(l => l.StartsWith("ok /", StringComparison.Ordinal)));

        foreach (var member in ensemble.Members)
        {
            // A sync first: another member may apply the commit a moment after the one the writer used.
            var read = await JavaZooKeeperClient.RunScriptAsync(member.ConnectString, "sync /\nget /from-java\nls /from-java\n");
            Assert.True(read.ExitCode == 0, read.ToString());
            Assert.Contains(read.StdoutLines, l => l.StartsWith("data \"world\" [v=1 ", StringComparison.Ordinal));
            Assert.Contains("children []", read.StdoutLines);
        }
    }

    [Fact]
    public async Task Killing_the_leader_under_writes_elects_a_new_one_and_loses_nothing_acknowledged()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        var followers = ensemble.Members.Where(m => m != leader).ToArray();
        var acknowledged = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        long killedAt = 0;
        long firstSuccessAfterKill = 0;

        // Writers talk to the followers, which survive: their writes are forwarded to whoever leads.
        // The failover gap: from the leader's death to the first write that was sent after it and succeeded.
        var writers = followers.Select((f, w) => WriteUntilStoppedAsync(f.ConnectString, $"w{w}", acknowledged, started =>
        {
            long killed = Volatile.Read(ref killedAt);
            if (killed != 0 && started >= killed)
            {
                Interlocked.CompareExchange(ref firstSuccessAfterKill, Stopwatch.GetTimestamp(), 0);
            }
        }, stop.Token)).ToArray();

        await Task.Delay(1000);
        int beforeKill = acknowledged.Count;
        await EnsembleUnderTest.KillAsync(leader);
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        var newLeader = await ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(20), not: leader.Id);
        Assert.NotEqual(leader.Id, newLeader.Id);
        var waiting = Stopwatch.StartNew();
        while (Volatile.Read(ref firstSuccessAfterKill) == 0 && waiting.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20);
        }

        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(beforeKill > 20, $"only {beforeKill} writes before the kill");
        Assert.True(Volatile.Read(ref firstSuccessAfterKill) != 0, "no write succeeded after the leader was killed:\n" + await ensemble.DescribeAsync());
        var gap = Stopwatch.GetElapsedTime(killedAt, firstSuccessAfterKill);
        output.WriteLine($"{acknowledged.Count} writes acknowledged; first write {gap.TotalMilliseconds:F0} ms after the kill");

        foreach (var member in followers)
        {
            await AssertAllPresentAsync(member, acknowledged);
        }

        // The old leader comes back as a follower and catches up.
        await ensemble.RestartAsync(leader);
        await ensemble.WaitUntilAllServeAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("follower", await leader.ModeAsync());
        await AssertAllPresentAsync(leader, acknowledged);
    }

    [Fact]
    public async Task Without_a_quorum_writes_are_refused_and_restarted_members_catch_up()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        await using (var client = await ZooKeeperClient.ConnectAsync(leader.ConnectString, Options))
        {
            await client.CreateAsync("/before", Encoding.UTF8.GetBytes("kept"));
        }

        var followers = ensemble.Members.Where(m => m != leader).ToArray();
        foreach (var follower in followers)
        {
            await EnsembleUnderTest.KillAsync(follower);
        }

        // The leader steps down within syncLimit and serves no one: a write never succeeds.
        var refused = Stopwatch.StartNew();
        while (await leader.ModeAsync() is not null)
        {
            Assert.True(refused.Elapsed < TimeSpan.FromSeconds(20), "the leader kept serving without a quorum");
            await Task.Delay(50);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await using var client = await ZooKeeperClient.ConnectAsync(leader.ConnectString, Options, timeout.Token);
            await client.CreateAsync("/without-quorum", Array.Empty<byte>(), cancellationToken: timeout.Token);
        });

        // Both come back; the ensemble serves again with everything written before.
        foreach (var follower in followers)
        {
            await ensemble.RestartAsync(follower);
        }

        await ensemble.WaitUntilAllServeAsync(TimeSpan.FromSeconds(30));
        foreach (var member in ensemble.Members)
        {
            await using var client = await ZooKeeperClient.ConnectAsync(member.ConnectString, Options);
            var (data, _) = await client.GetDataAsync("/before");
            Assert.Equal("kept", Encoding.UTF8.GetString(data));
            Assert.Null(await client.ExistsAsync("/without-quorum"));
        }
    }

    [Fact]
    public async Task A_session_that_moves_to_another_member_keeps_its_ephemerals_and_watches()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        var followers = ensemble.Members.Where(m => m != leader).ToArray();
        var (home, other) = (followers[0], followers[1]);

        // Connected to one follower first (the connect string lists it first), then that follower dies.
        await using var client = await ZooKeeperClient.ConnectAsync($"{home.ConnectString},{other.ConnectString}", Options);
        await client.CreateAsync("/moving", Array.Empty<byte>(), CreateMode.Ephemeral);
        var changed = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A one-shot watch also hears the connection state changes (Disconnected when its server dies): wait for the node.
        await client.ExistsAsync("/watched", e =>
        {
            if (e.Path == "/watched")
            {
                changed.TrySetResult(e);
            }
        });

        await EnsembleUnderTest.KillAsync(home);
        await client.WaitUntilConnectedAsync();

        await using var observer = await ZooKeeperClient.ConnectAsync(leader.ConnectString, Options);
        await observer.CreateAsync("/watched", Array.Empty<byte>());
        var fired = await changed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("/watched", fired.Path);

        // Still the same session: its ephemeral is alive everywhere.
        await observer.SyncAsync("/");
        var stat = await observer.ExistsAsync("/moving");
        Assert.NotNull(stat);
        Assert.Equal(client.SessionId, stat.Value.EphemeralOwner);

        // Closing the session removes the ephemeral on every member.
        await client.CloseAsync();
        await observer.SyncAsync("/");
        Assert.Null(await observer.ExistsAsync("/moving"));
    }

    [Fact]
    public async Task Five_members_survive_losing_the_leader_and_another()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(5);
        var leader = await ensemble.WaitForLeaderAsync();
        var acknowledged = new ConcurrentQueue<string>();
        await using (var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options))
        {
            for (int i = 0; i < 50; i++)
            {
                await client.CreateAsync($"/five-{i}", Encoding.UTF8.GetBytes($"value of /five-{i}"));
                acknowledged.Enqueue($"/five-{i}");
            }
        }

        var follower = ensemble.Members.First(m => m != leader);
        await EnsembleUnderTest.KillAsync(leader);
        await EnsembleUnderTest.KillAsync(follower);
        var newLeader = await ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(20), not: leader.Id);
        await using (var client = await ZooKeeperClient.ConnectAsync(newLeader.ConnectString, Options))
        {
            await client.CreateAsync("/after-two-died", Encoding.UTF8.GetBytes("value of /after-two-died"));
            acknowledged.Enqueue("/after-two-died");
        }

        foreach (var member in ensemble.Members.Where(m => m.IsRunning))
        {
            await AssertAllPresentAsync(member, acknowledged);
        }
    }

    [Fact]
    public async Task A_member_that_missed_more_than_the_leaders_log_window_catches_up_by_snapshot()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var leader = await ensemble.WaitForLeaderAsync();
        var behind = ensemble.Members.First(m => m != leader);
        await EnsembleUnderTest.KillAsync(behind);

        // More than the 500 committed transactions a leader keeps for DIFF: the leader must send a SNAP.
        await using (var client = await ZooKeeperClient.ConnectAsync(leader.ConnectString, Options))
        {
            await client.CreateAsync("/many");
            var writes = Enumerable.Range(0, 800).Select(i => client.CreateAsync($"/many/n{i}", Encoding.UTF8.GetBytes($"v{i}")).AsTask());
            await Task.WhenAll(writes);
        }

        await ensemble.RestartAsync(behind);
        await ensemble.WaitUntilAllServeAsync(TimeSpan.FromSeconds(30));
        await using (var client = await ZooKeeperClient.ConnectAsync(behind.ConnectString, Options))
        {
            Assert.Equal(800, (await client.GetChildrenAsync("/many")).Count);
            Assert.Equal("v799", Encoding.UTF8.GetString((await client.GetDataAsync("/many/n799")).Data));
        }

        Assert.Contains(behind.Process!.RecentOutput, l => l.Contains("Installed the leader's snapshot", StringComparison.Ordinal));

        // And it serves as a full member afterwards: writes through it reach everyone.
        await using (var client = await ZooKeeperClient.ConnectAsync(behind.ConnectString, Options))
        {
            await client.CreateAsync("/after-snap");
        }

        await using (var client = await ZooKeeperClient.ConnectAsync(leader.ConnectString, Options))
        {
            await client.SyncAsync("/");
            Assert.NotNull(await client.ExistsAsync("/after-snap"));
        }
    }

    [Fact]
    public async Task An_observer_serves_reads_and_forwards_writes_but_never_votes()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(voters: 3, observers: 1);
        var observer = ensemble.Members.Single(m => m.IsObserver);
        Assert.Equal("observer", await observer.ModeAsync());

        await using (var client = await ZooKeeperClient.ConnectAsync(observer.ConnectString, Options))
        {
            await client.CreateAsync("/via-observer", Encoding.UTF8.GetBytes("o"));
            Assert.Equal("o", Encoding.UTF8.GetString((await client.GetDataAsync("/via-observer")).Data));
        }

        // Two voters down: the observer cannot make a quorum with the third, so nobody serves.
        var leader = await ensemble.WaitForLeaderAsync();
        foreach (var voter in ensemble.Members.Where(m => !m.IsObserver && m != leader).ToArray())
        {
            await EnsembleUnderTest.KillAsync(voter);
        }

        var deadline = Stopwatch.StartNew();
        while (await leader.ModeAsync() is not null || await observer.ModeAsync() is not null)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "a voter and an observer kept serving without a quorum of voters");
            await Task.Delay(100);
        }
    }

    private static async Task WriteUntilStoppedAsync(string connectString, string prefix, ConcurrentQueue<string> acknowledged, Action<long> onSuccess, CancellationToken stop)
    {
        // Reconnect at once: the Java client's habit of waiting up to a second (and ours, by default) would be most
        // of the measured gap, and it is the ensemble's part we measure here.
        var options = new ZooKeeperClientOptions { SessionTimeout = Options.SessionTimeout, ReconnectDelay = TimeSpan.FromMilliseconds(10), ReconnectJitter = TimeSpan.Zero };
        await using var client = ZooKeeperClient.Create(connectString, options);
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string path = $"/{prefix}-{i}";
            try
            {
                long started = Stopwatch.GetTimestamp();
                await client.CreateAsync(path, Encoding.UTF8.GetBytes($"value of {path}"), cancellationToken: stop);
                acknowledged.Enqueue(path);
                onSuccess(started);
            }
            catch (KeeperException)
            {
                // ConnectionLoss while the leader changes: the outcome of that write is unknown, so it is not
                // recorded; the next one uses a new path.
                await Task.Delay(5, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task AssertAllPresentAsync(EnsembleUnderTest.Member member, IEnumerable<string> paths)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(member.ConnectString, Options);
        await client.SyncAsync("/");
        foreach (var path in paths)
        {
            var stat = await client.ExistsAsync(path);
            Assert.True(stat is not null, $"{path}, acknowledged, is missing on {member}");
        }
    }
}
