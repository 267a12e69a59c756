using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CoordAspire.Client;
using Xunit.Abstractions;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// A member's container killed (SIGKILL, <c>podman kill</c>) under writes, then started again from its volume. The
/// figures the issue asks for are checked and printed: the longest pause a writing client saw, how long a new leader
/// took, and how long the returning member took to follow again.
/// </summary>
[Collection(ComposeEnsembleCollection.Name)]
public sealed partial class FailoverTests(ComposeEnsembleFixture deployment, ITestOutputHelper output)
{
    /// <summary>
    /// The goal for a failover and for a rejoin in containers is Apache ZooKeeper's second. The server side of both
    /// is held to it: the survivors' election, and the returning member's. What a client sees (its first write
    /// acknowledged after the kill) and a rejoin counted from `podman start` — which includes creating the container,
    /// starting the runtime, replaying the log from the volume and the sync, with this test's writers busy on the same
    /// two cores — are held to a looser bound so that a busy CI machine does not fail a run this machine measured at
    /// 0.13-0.18 s and 1.0-2.1 s; the figures are printed against the goal.
    /// </summary>
    private static readonly TimeSpan Goal = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan EndToEndBound = 3 * Goal;

    [Fact]
    public async Task Killing_the_leader_under_writes_loses_no_acknowledged_write_and_the_member_rejoins_from_its_volume()
    {
        var leader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        var container = await deployment.Deployment.ContainerAsync(leader);
        var survivors = ComposeDeployment.Nodes.Where(n => n != leader).ToList();
        await using var writes = await AcknowledgedWrites.StartAsync(deployment.ConnectString, "/failover-" + Guid.NewGuid().ToString("N")[..8]);
        await writes.WaitForMoreAsync(200, TimeSpan.FromSeconds(30));

        // From the moment the container is dead (`podman kill` returns once SIGKILL is delivered): the time the
        // podman command itself takes on a busy machine is not the ensemble's.
        var killStarted = writes.Now;
        await Podman.RunAsync("kill", container);
        var killedAt = writes.Now;
        output.WriteLine($"`podman kill` took {(killedAt - killStarted).TotalMilliseconds:F0} ms");
        var newLeader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30), survivors);
        await writes.WaitForMoreAsync(200, TimeSpan.FromSeconds(30));

        // A new leader serves once a write sent after the kill is acknowledged (every write goes through the leader);
        // polling srvr over podman inspect would measure the poll.
        var electedAfter = writes.FirstAcknowledgedAfter(killedAt)!.Value - killedAt;
        var gap = writes.LongestGapAfter(killStarted);
        output.WriteLine($"kill -9 of {leader} (the leader): {newLeader} leads; the first write after the kill acknowledged {electedAfter.TotalMilliseconds:F0} ms after it; longest pause between acknowledged writes {gap.TotalMilliseconds:F0} ms");

        var survivorElection = ElectionTimes(await Podman.LogsAsync(await deployment.Deployment.ContainerAsync(newLeader)))[^1];
        output.WriteLine($"{newLeader}'s own election took {survivorElection} ms");

        // The member comes back: the same container, its volume, its log and snapshots.
        var (rejoinElection, rejoinedAfter) = await RestartAsync(leader, container);

        await writes.StopAsync();
        await using (var reader = await ZooKeeperClient.ConnectAsync(deployment.Endpoint(leader), AcknowledgedWrites.ClientOptions()))
        {
            var missing = await writes.MissingAsync(reader);
            Assert.True(missing.Count == 0, $"{missing.Count} of {writes.Acknowledged.Count} acknowledged writes are missing on {leader} after it recovered: {string.Join(", ", missing.Take(10))}");
        }

        foreach (var survivor in survivors)
        {
            await using var reader = await ZooKeeperClient.ConnectAsync(deployment.Endpoint(survivor), AcknowledgedWrites.ClientOptions());
            var missing = await writes.MissingAsync(reader);
            Assert.True(missing.Count == 0, $"{missing.Count} of {writes.Acknowledged.Count} acknowledged writes are missing on {survivor}: {string.Join(", ", missing.Take(10))}");
        }

        Assert.True(survivorElection <= Goal.TotalMilliseconds, $"the survivors' election took {survivorElection} ms (goal {Goal.TotalMilliseconds} ms)");
        Assert.True(electedAfter <= EndToEndBound, $"no write was acknowledged for {electedAfter.TotalMilliseconds:F0} ms after the kill (bound {EndToEndBound.TotalMilliseconds} ms)");
        Assert.True(rejoinElection <= Goal.TotalMilliseconds, $"the returning member's election took {rejoinElection} ms (goal {Goal.TotalMilliseconds} ms)");
        Assert.True(rejoinedAfter <= EndToEndBound, $"the returning member served {rejoinedAfter.TotalMilliseconds:F0} ms after `podman start` (bound {EndToEndBound.TotalMilliseconds} ms)");
    }

    [Fact]
    public async Task A_follower_killed_and_started_again_follows_within_a_second_of_its_start()
    {
        var leader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        var follower = ComposeDeployment.Nodes.First(n => n != leader);
        var container = await deployment.Deployment.ContainerAsync(follower);
        await Podman.RunAsync("kill", container);
        var (election, rejoinedAfter) = await RestartAsync(follower, container);
        Assert.True(election <= Goal.TotalMilliseconds, $"the returning follower's election took {election} ms (goal {Goal.TotalMilliseconds} ms)");
        Assert.True(rejoinedAfter <= EndToEndBound, $"the returning follower served {rejoinedAfter.TotalMilliseconds:F0} ms after `podman start` (bound {EndToEndBound.TotalMilliseconds} ms)");
    }

    /// <summary>Starts a killed member's container again and waits until the ensemble is whole; returns its own
    /// election time and how long after `podman start` was called it logged serving (Following (Broadcast)).</summary>
    private async Task<(int Election, TimeSpan Serving)> RestartAsync(string node, string container)
    {
        var electionsBefore = ElectionTimes(await Podman.LogsAsync(container)).Count;
        var servingBefore = ServingTimes(await Podman.LogsAsync(container)).Count;
        var startedAt = DateTime.UtcNow;
        var started = Stopwatch.StartNew();
        await Podman.RunAsync("start", container);
        var startReturned = started.Elapsed;
        await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(60));
        var log = await Podman.LogsAsync(container);
        var elections = ElectionTimes(log);
        var serving = ServingTimes(log);
        Assert.True(elections.Count > electionsBefore && serving.Count > servingBefore, $"{node} logged no election or no serving after its restart:\n{await deployment.LogsAsync()}");
        var servingAfter = serving[^1] - startedAt;
        output.WriteLine($"{node} started again: `podman start` {startReturned.TotalMilliseconds:F0} ms; its election took {elections[^1]} ms; it served {servingAfter.TotalMilliseconds:F0} ms after `podman start` was called (goal {Goal.TotalMilliseconds} ms)");
        return (elections[^1], servingAfter);
    }

    /// <summary>Every "LEADER ELECTION TOOK - N MS" in a node's log (the line ZooKeeper's QuorumPeer writes too).</summary>
    private static List<int> ElectionTimes(string log) =>
        ElectionTook().Matches(log).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"LEADER ELECTION TOOK - (\d+) MS")]
    private static partial Regex ElectionTook();

    /// <summary>When a node logged that it serves as a follower (its clock is the host's: the same kernel).</summary>
    private static List<DateTime> ServingTimes(string log) =>
        ServingLine().Matches(log)
            .Select(m => DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal))
            .ToList();

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) info: \S+\[600\] Following \(Broadcast\)", RegexOptions.Multiline)]
    private static partial Regex ServingLine();
}
