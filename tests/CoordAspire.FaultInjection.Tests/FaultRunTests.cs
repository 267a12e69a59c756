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
    /// <summary>The configurations of the bounded run; <c>COORD_FAULT_APACHE=1</c> adds an all-Apache ensemble, the
    /// baseline that says whether a finding is ours or ZooKeeper's own.</summary>
    public static TheoryData<string> Configurations =>
        Environment.GetEnvironmentVariable("COORD_FAULT_APACHE") == "1"
            ? ["three of ours", "ours leading two Apache followers", "Apache leading two of ours", "five mixed, two of them observers", "three of Apache's"]
            : ["three of ours", "ours leading two Apache followers", "Apache leading two of ours", "five mixed, two of them observers"];

    public static FaultRunOptions Options(string name) => name switch
    {
        "three of ours" => new FaultRunOptions(name, Voters: 3, Seed: 1),
        "ours leading two Apache followers" => new FaultRunOptions(name, Voters: 3, ApacheMembers: id => id != 3, FirstLeader: 3, Seed: 2),
        "Apache leading two of ours" => new FaultRunOptions(name, Voters: 3, ApacheMembers: id => id == 3, FirstLeader: 3, Seed: 3),
        "five mixed, two of them observers" => new FaultRunOptions(name, Voters: 3, Observers: 2, ApacheMembers: id => id is 2 or 4, FirstLeader: 3, Seed: 4),
        "three of Apache's" => new FaultRunOptions(name, Voters: 3, ApacheMembers: _ => true, Seed: 5),
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
}

/// <summary>Fault runs start real ensembles of up to five servers: they run with nothing beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultRunCollection
{
    public const string Name = "Fault runs";
}
