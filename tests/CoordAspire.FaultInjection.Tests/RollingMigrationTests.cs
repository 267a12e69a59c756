using Xunit.Abstractions;

namespace CoordAspire.FaultInjection.Tests;

/// <summary>
/// The documented migration (README, "Moving from Apache ZooKeeper, and back"), under the fault runs' workload and
/// checks: a running Apache ZooKeeper 3.8 ensemble, each server in turn stopped and started again as our Node on its
/// own zoo.cfg and dataDir, then each back to Apache. No acknowledged write may be lost, every register stays
/// linearizable, no session expires, and clients see no error but ConnectionLoss.
/// </summary>
[Collection(FaultRunCollection.Name)]
public sealed class RollingMigrationTests(ITestOutputHelper output)
{
    [Node.Tests.Harness.JavaFact]
    public async Task An_Apache_ensemble_under_load_moves_to_our_Node_one_server_at_a_time_and_back_losing_nothing()
    {
        var report = await FaultRun.RunAsync(
            new FaultRunOptions("rolling migration", Voters: 3, ApacheMembers: _ => true, Faults: Faults.FaultKind.None, RollingMigration: true),
            output.WriteLine);
        Assert.True(report.IsValid, report.Summary);
        Assert.Equal(0, report.ExpiredSessions);
        Assert.Equal(6, report.Faults.Count);
    }
}
