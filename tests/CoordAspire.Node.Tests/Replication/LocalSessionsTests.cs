using System.Diagnostics;
using CoordAspire.Node.Tests.Harness;
using Xunit.Abstractions;

namespace CoordAspire.Node.Tests.Replication;

/// <summary>
/// Local sessions (<c>localSessionsEnabled</c>, <c>localSessionsUpgradingEnabled</c>) through Apache ZooKeeper's own
/// Java client, with the steps of Apache's LocalSessionsOnlyTest and SessionUpgradeTest, run alike on three of ours,
/// on three of Apache's, and on mixed ensembles led by either (where the leader must take writes from the other
/// kind's local sessions and commit the other kind's upgrades).
/// </summary>
public sealed class LocalSessionsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Ensembles => ["ours", "apache", "ours leading apache", "apache leading ours"];

    [Theory]
    [MemberData(nameof(Ensembles))]
    public async Task LocalSessions_without_upgrading_write_but_cannot_own_an_ephemeral(string kind)
    {
        await using var ensemble = await StartAsync(kind, upgrading: false);
        var (leader, follower, _) = await RolesAsync(ensemble);
        foreach (var member in (EnsembleUnderTest.Member[])[follower, leader])
        {
            // Sessions of the checks before are still open (their JVMs ended without closing them).
            long before = await LocalSessionsAsync(member);
            await using var client = await JavaSession.StartAsync(member.ConnectString, canBeReadOnly: false);
            Assert.True(await client.WaitForStateAsync("SyncConnected", Timeout), client.Describe());
            Assert.Equal(before + 1, await LocalSessionsAsync(member));

            string prefix = $"/local-{member.Id}-";
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal($"CREATED {prefix}{i}", await client.SendAsync($"create {prefix}{i} x"));
            }

            Assert.Equal("ERR EPHEMERALONLOCALSESSION", await client.SendAsync($"ephemeral {prefix}e x"));
            Assert.Equal("CLOSED", await client.SendAsync("close"));

            // The data is the ensemble's, the ephemeral nowhere (LocalSessionsOnlyTest).
            foreach (var reader in (EnsembleUnderTest.Member[])[leader, follower])
            {
                await using var check = await JavaSession.StartAsync(reader.ConnectString, canBeReadOnly: false);
                Assert.True(await check.WaitForStateAsync("SyncConnected", Timeout), check.Describe());
                Assert.Equal("SYNCED", await check.SendAsync("sync /"));
                Assert.Equal("EXISTS owner=0x0", await check.SendAsync($"exists {prefix}2"));
                Assert.Equal("NONE", await check.SendAsync($"exists {prefix}e"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ensembles))]
    public async Task LocalSessions_cannot_move_until_an_ephemeral_upgrades_them(string kind)
    {
        await using var ensemble = await StartAsync(kind, upgrading: true);
        var (leader, follower, otherFollower) = await RolesAsync(ensemble);

        await using var local = await JavaSession.StartAsync(follower.ConnectString, canBeReadOnly: false, sessionTimeoutMs: 20_000);
        Assert.True(await local.WaitForStateAsync("SyncConnected", Timeout), local.Describe());
        Assert.Equal("CREATED /upgrade-p", await local.SendAsync("create /upgrade-p x"));
        var session = (await local.SendAsync("session"), await local.SendAsync("password"));
        Assert.Contains("zk_local_sessions\t1\n", await MntrAsync(follower), StringComparison.Ordinal);

        // Local: elsewhere (another follower, the leader) the session is unknown, and the client hears it expired.
        foreach (var elsewhere in (EnsembleUnderTest.Member[])[otherFollower, leader])
        {
            await using var moved = await JavaSession.StartAsync(elsewhere.ConnectString, canBeReadOnly: false, sessionTimeoutMs: 20_000, resume: session);
            Assert.True(await moved.WaitForStateAsync("Expired", Timeout), $"{ensemble.Name} {elsewhere}: {moved.Describe()}");
        }

        // Still alive where it lives; an ephemeral makes it global (a createSession transaction ahead of the create).
        Assert.Equal("EXISTS owner=0x0", await local.SendAsync("exists /upgrade-p"));
        Assert.Equal("CREATED /upgrade-e", await local.SendAsync("ephemeral /upgrade-e x"));
        Assert.Contains("zk_local_sessions\t0\n", await MntrAsync(follower), StringComparison.Ordinal);
        Assert.Equal($"EXISTS owner={session.Item1}", await local.SendAsync("exists /upgrade-e"));

        // Global now: it moves to another server, and its close there takes the ephemeral with it.
        await using (var moved = await JavaSession.StartAsync(otherFollower.ConnectString, canBeReadOnly: false, sessionTimeoutMs: 20_000, resume: session))
        {
            Assert.True(await moved.WaitForStateAsync("SyncConnected", Timeout), $"{ensemble.Name}: {moved.Describe()}");
            Assert.Equal(session.Item1, await moved.SendAsync("session"));
            Assert.Equal($"EXISTS owner={session.Item1}", await moved.SendAsync("exists /upgrade-e"));
            Assert.Equal("CLOSED", await moved.SendAsync("close"));
        }

        await using var check = await JavaSession.StartAsync(leader.ConnectString, canBeReadOnly: false);
        Assert.True(await check.WaitForStateAsync("SyncConnected", Timeout), check.Describe());
        Assert.Equal("NONE", await check.SendAsync("exists /upgrade-e"));
        Assert.Equal("EXISTS owner=0x0", await check.SendAsync("exists /upgrade-p"));
    }

    private async Task<EnsembleUnderTest> StartAsync(string kind, bool upgrading)
    {
        // Mixed: the largest id wins an election between equal histories, so it leads.
        Func<long, bool> apacheMembers = kind switch
        {
            "ours" => _ => false,
            "apache" => _ => true,
            "ours leading apache" => id => id != 3,
            _ => id => id == 3,
        };
        var started = Stopwatch.StartNew();
        var ensemble = await EnsembleUnderTest.StartAsync(
            3, apacheMembers: apacheMembers, extraConfig: ["localSessionsEnabled=true", $"localSessionsUpgradingEnabled={(upgrading ? "true" : "false")}"]);
        if (kind.Contains("leading", StringComparison.Ordinal))
        {
            await ensemble.MakeLeaderAsync(ensemble[3]);
        }

        output.WriteLine($"{kind}: {ensemble.Name} serving after {started.ElapsedMilliseconds} ms");
        return ensemble;
    }

    private static async Task<(EnsembleUnderTest.Member Leader, EnsembleUnderTest.Member Follower, EnsembleUnderTest.Member OtherFollower)> RolesAsync(EnsembleUnderTest ensemble)
    {
        var leader = await ensemble.WaitForLeaderAsync();
        var followers = ensemble.Members.Where(m => m.Id != leader.Id).ToArray();
        return (leader, followers[0], followers[1]);
    }

    private static async Task<long> LocalSessionsAsync(EnsembleUnderTest.Member member)
    {
        var line = (await MntrAsync(member)).Split('\n').Single(l => l.StartsWith("zk_local_sessions\t", StringComparison.Ordinal));
        return long.Parse(line["zk_local_sessions\t".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> MntrAsync(EnsembleUnderTest.Member member)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        return await ServerUnderTest.SendFourLetterWordAsync("127.0.0.1", member.ClientPort, "mntr", timeout.Token);
    }
}
