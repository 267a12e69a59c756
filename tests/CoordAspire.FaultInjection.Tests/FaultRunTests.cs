using CoordAspire.FaultInjection.Tests.Faults;
using CoordAspire.Node.Tests.Harness;
using Xunit.Abstractions;

namespace CoordAspire.FaultInjection.Tests;

/// <summary>
/// The bounded fault runs of ./test.sh: each configuration gets <see cref="FaultRun.DefaultDuration"/> of kill -9,
/// SIGSTOP and partitions (<c>COORD_FAULT_SECONDS</c> makes it longer, see the README), and must come out with every
/// register linearizable, no acknowledged addition lost and no anomaly. The mixed ones are the promise that a Node can
/// be dropped into a running Apache ensemble: both leadership directions, and five servers with observers.
/// </summary>
[Collection(FaultRunCollection.Name)]
public sealed class FaultRunTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configurations => ["three of ours", "ours leading two Apache followers", "Apache leading two of ours", "five mixed, two of them observers"];

    /// <summary>
    /// Faults on our own ensemble are held 2 to 8 s: longer than syncLimit (5 s here), so a leader paused or cut off
    /// is replaced while it still believes it leads — where a sync must not be answered from its stale state. Where an
    /// Apache server may lead, faults end within 4.5 s: an Apache leader deposed without knowing it answers syncs from
    /// its own state (ZooKeeper's sync is not a quorum operation), and <see cref="Apache_s_own_ensemble_loses_nothing_but_its_syncs_are_not_linearizable_across_a_deposed_leader"/>
    /// shows what that does.
    /// </summary>
    private static readonly (int, int) AcrossSyncLimit = (2_000, 8_000);
    private static readonly (int, int) WithinSyncLimit = (2_000, 4_500);

    public static FaultRunOptions Options(string name) => name switch
    {
        "three of ours" => new FaultRunOptions(name, Voters: 3, Seed: 1, HoldMilliseconds: AcrossSyncLimit),
        "ours leading two Apache followers" => new FaultRunOptions(name, Voters: 3, ApacheMembers: id => id != 3, FirstLeader: 3, Seed: 2, HoldMilliseconds: WithinSyncLimit),
        "Apache leading two of ours" => new FaultRunOptions(name, Voters: 3, ApacheMembers: id => id == 3, FirstLeader: 3, Seed: 3, HoldMilliseconds: WithinSyncLimit),
        "five mixed, two of them observers" => new FaultRunOptions(name, Voters: 3, Observers: 2, ApacheMembers: id => id is 2 or 4, FirstLeader: 3, Seed: 4, HoldMilliseconds: WithinSyncLimit),
        "three of Apache's" => new FaultRunOptions(name, Voters: 3, ApacheMembers: _ => true, Seed: 5, HoldMilliseconds: AcrossSyncLimit),
        _ => throw new ArgumentException($"no fault-run configuration '{name}'", nameof(name)),
    };

    [JavaTheory]
    [MemberData(nameof(Configurations))]
    public async Task An_ensemble_under_kill_pause_and_partition_stays_linearizable_and_loses_no_acknowledged_write(string configuration)
    {
        var report = await FaultRun.RunAsync(Options(configuration), output.WriteLine);
        Assert.True(report.IsValid, report.Summary);
        Assert.NotEmpty(report.Faults);
        Assert.All(report.Registers, r => Assert.True(r.Operations > 100, $"too few operations to mean anything: {r}"));
    }

    /// <summary>
    /// The baseline, with <c>COORD_FAULT_APACHE=1</c> (a JVM ensemble under faults is slow on two cores): Apache
    /// ZooKeeper's own ensemble under the same faults, held past syncLimit, loses no acknowledged write and shows no
    /// anomaly, but its sync + read is not linearizable — a leader paused or cut off for longer than syncLimit goes
    /// on answering syncs from its own state for up to syncLimit after it resumes (Leader.processSync; its tick
    /// count did not move while it was stopped). Seen on every run of 60 s here; ours passes the same schedule.
    /// </summary>
    [ApacheBaselineFact]
    public async Task Apache_s_own_ensemble_loses_nothing_but_its_syncs_are_not_linearizable_across_a_deposed_leader()
    {
        var report = await FaultRun.RunAsync(Options("three of Apache's"), output.WriteLine);
        Assert.True(report.Set.IsValid, report.Summary);
        Assert.Empty(report.Anomalies);
        output.WriteLine(report.Registers.All(r => r.IsLinearizable)
            ? "this time every register was linearizable (the faults did not depose a leader long enough)"
            : "as expected of ZooKeeper's sync: " + string.Join("; ", report.Registers.Where(r => !r.IsLinearizable).Select(r => r.Register)));
    }
}

/// <summary>Fault runs start real ensembles of up to five servers: they run with nothing beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultRunCollection
{
    public const string Name = "Fault runs";
}
