using System.Diagnostics;
using CoordAspire.Node.Tests.Harness;
using Xunit.Abstractions;

namespace CoordAspire.Node.Tests.Replication;

/// <summary>
/// Read-only mode (ZOOKEEPER-784) through Apache ZooKeeper's own Java client, on our ensemble and on Apache's, with
/// the same steps and the same expectations: two of three members killed, the survivor serves read-only sessions
/// (<c>new ZooKeeper(cs, timeout, watcher, true)</c>: ConnectedReadOnly, reads, NOTREADONLY for writes and sync),
/// says <c>ro</c> to <c>isro</c> and <c>read-only</c> to <c>srvr</c>, refuses a client that cannot be read-only and
/// a session that began read-write, and when the two come back the read-only client moves to read-write
/// (SyncConnected, a new session) and writes, and the refused session resumes.
/// </summary>
public sealed class ReadOnlyModeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadOnly_our_survivor_serves_read_only_Java_sessions_and_they_move_back_to_read_write()
    {
        // The zoo.cfg key, which Apache ZooKeeper ignores and we honour.
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, extraConfig: ["readonlymode.enabled=true"]);
        await RunScenarioAsync(ensemble);
    }

    [Fact]
    public async Task ReadOnly_Apache_ZooKeeper_answers_the_same_steps_alike()
    {
        // Apache's form: the system property. Since ZOOKEEPER-3863 (3.7) its read-only server serves only local
        // sessions, so its administrator's guide asks for localSessionsEnabled too (ours serves them either way);
        // and with local sessions on, a session needs localSessionsUpgradingEnabled to own an ephemeral.
        await using var ensemble = await EnsembleUnderTest.StartAsync(
            3, apache: true, extraConfig: ["localSessionsEnabled=true", "localSessionsUpgradingEnabled=true"], jvmFlags: ["-Dreadonlymode.enabled=true"]);
        await RunScenarioAsync(ensemble);
    }

    [Fact]
    public async Task ReadOnly_mode_is_off_unless_enabled_the_survivor_serves_no_one()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3);
        var survivor = ensemble[1];
        await EnsembleUnderTest.KillAsync(ensemble[2]);
        await EnsembleUnderTest.KillAsync(ensemble[3]);

        // Past the grace period (max(2000, tickTime) ms) and then some.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Null(await survivor.ModeAsync());
        Assert.Equal("null", await IsroAsync(survivor));

        await using var client = await JavaSession.StartAsync(survivor.ConnectString, canBeReadOnly: true);
        Assert.False(await client.WaitForStateAsync("ConnectedReadOnly", TimeSpan.FromSeconds(3)), client.Describe());
    }

    private async Task RunScenarioAsync(EnsembleUnderTest ensemble)
    {
        var survivor = ensemble[1];
        await using (var writer = await JavaSession.StartAsync(ensemble.ConnectString, canBeReadOnly: false))
        {
            Assert.True(await writer.WaitForStateAsync("SyncConnected", Timeout), writer.Describe());
            Assert.Equal("CREATED /ro", await writer.SendAsync("create /ro before"));

            // The survivor has applied it before it loses its quorum (sync goes through the leader to it).
            await using var onSurvivor = await JavaSession.StartAsync(survivor.ConnectString, canBeReadOnly: false);
            Assert.True(await onSurvivor.WaitForStateAsync("SyncConnected", Timeout), onSurvivor.Describe());
            Assert.Equal("SYNCED", await onSurvivor.SendAsync("sync /ro"));
            Assert.Equal("DATA before", await onSurvivor.SendAsync("get /ro"));
            Assert.Equal("rw", await IsroAsync(survivor));
        }

        // A global session that began read-write (its ephemeral makes it global on Apache, where localSessionsEnabled
        // would keep it local to its server otherwise): it may not be downgraded (ReadOnlyZooKeeperServer
        // .validateSession refuses global sessions), so it stays disconnected through the outage and resumes after.
        await using var veteran = await JavaSession.StartAsync(ensemble.ConnectString, canBeReadOnly: true, sessionTimeoutMs: 20_000);
        Assert.True(await veteran.WaitForStateAsync("SyncConnected", Timeout), veteran.Describe());
        Assert.Equal("CREATED /veteran", await veteran.SendAsync("ephemeral /veteran x"));
        string veteranSession = await veteran.SendAsync("session");

        await EnsembleUnderTest.KillAsync(ensemble[2]);
        await EnsembleUnderTest.KillAsync(ensemble[3]);
        var lostQuorum = Stopwatch.StartNew();
        await EventuallyAsync(async () => await survivor.ModeAsync() == "read-only", ensemble, "the survivor did not become read-only");
        output.WriteLine($"{ensemble.Name}: read-only {lostQuorum.ElapsedMilliseconds} ms after the kills");
        Assert.True(lostQuorum.Elapsed >= TimeSpan.FromSeconds(1.5), $"read-only after {lostQuorum.Elapsed}: before the grace period");
        Assert.Equal("ro", await IsroAsync(survivor));
        string mntr = await FourLetterWordAsync(survivor, "mntr");
        output.WriteLine(mntr);
        Assert.Contains("zk_server_state\tread-only\n", mntr, StringComparison.Ordinal);

        await using var reader = await JavaSession.StartAsync(ensemble.ConnectString, canBeReadOnly: true);
        Assert.True(await reader.WaitForStateAsync("ConnectedReadOnly", Timeout), $"{ensemble.Name}: {reader.Describe()}");
        Assert.Equal("CONNECTEDREADONLY", await reader.SendAsync("state"));
        string mntrWithReader = await FourLetterWordAsync(survivor, "mntr");
        Assert.Contains("zk_local_sessions\t1\n", mntrWithReader, StringComparison.Ordinal);
        Assert.DoesNotContain("zk_peer_state", mntrWithReader, StringComparison.Ordinal);
        Assert.Equal("DATA before", await reader.SendAsync("get /ro"));
        Assert.Equal("ERR NONODE", await reader.SendAsync("get /missing"));
        Assert.Equal("ERR NOTREADONLY", await reader.SendAsync("create /new x"));
        Assert.Equal("ERR NOTREADONLY", await reader.SendAsync("set /ro x"));
        Assert.Equal("ERR NOTREADONLY", await reader.SendAsync("delete /ro"));
        Assert.Equal("ERR NOTREADONLY", await reader.SendAsync("sync /ro"));
        string readOnlySession = await reader.SendAsync("session");

        // A client that did not say it can be read-only is refused: it never connects.
        await using (var refused = await JavaSession.StartAsync(survivor.ConnectString, canBeReadOnly: false))
        {
            Assert.False(await refused.WaitForStateAsync("SyncConnected", TimeSpan.FromSeconds(4)), $"{ensemble.Name}: {refused.Describe()}");
            Assert.Equal("CONNECTING", await refused.SendAsync("state"));
            Assert.DoesNotContain("ConnectedReadOnly", refused.Events);
        }

        Assert.DoesNotContain("ConnectedReadOnly", veteran.Events);
        Assert.Equal("Disconnected", veteran.Events[^1]);

        // The quorum comes back: the read-only session's client moves to read-write, with a new (global) session.
        await ensemble.RestartAsync(ensemble[2]);
        await ensemble.RestartAsync(ensemble[3]);
        Assert.True(await reader.WaitForStateAsync("SyncConnected", TimeSpan.FromSeconds(75)), $"{ensemble.Name}: {reader.Describe()}\n{await ensemble.DescribeAsync()}");
        Assert.Equal("CONNECTED", await reader.SendAsync("state"));
        Assert.Equal("CREATED /after", await reader.SendAsync("create /after x"));
        Assert.Equal("DATA before", await reader.SendAsync("get /ro"));
        Assert.NotEqual(readOnlySession, await reader.SendAsync("session"));
        var events = reader.Events.ToList();
        Assert.True(events.IndexOf("ConnectedReadOnly") >= 0 && events.IndexOf("ConnectedReadOnly") < events.LastIndexOf("SyncConnected"), string.Join(", ", events));
        Assert.Equal("rw", await IsroAsync(survivor));

        Assert.True(await veteran.WaitForStateAsync("SyncConnected", Timeout), $"{ensemble.Name}: {veteran.Describe()}");
        Assert.Equal(veteranSession, await veteran.SendAsync("session"));
        Assert.Equal("DATA x", await veteran.SendAsync("get /veteran"));
    }

    private static async Task<string> IsroAsync(EnsembleUnderTest.Member member) => (await FourLetterWordAsync(member, "isro")).Trim();

    private static async Task<string> FourLetterWordAsync(EnsembleUnderTest.Member member, string word)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        return await ServerUnderTest.SendFourLetterWordAsync("127.0.0.1", member.ClientPort, word, timeout.Token);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, EnsembleUnderTest ensemble, string message)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Timeout)
            {
                Assert.Fail($"{message} within {Timeout}:\n{await ensemble.DescribeAsync()}");
            }

            await Task.Delay(100);
        }
    }
}
