using CoordAspire.FaultInjection.Tests.Faults;
using CoordAspire.FaultInjection.Tests.Workload;
using Xunit.Abstractions;

namespace CoordAspire.FaultInjection.Tests;

/// <summary>
/// The harness catches the bugs it is for: the same run as <see cref="FaultRunTests"/>, on a healthy ensemble of
/// ours, with a bug planted in the client sessions — a stale read cache, acknowledgements without writes. A
/// checker that passed these would pass anything.
/// </summary>
[Collection(FaultRunCollection.Name)]
public sealed class PlantedFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_side_stale_read_cache_is_caught_as_a_linearizability_violation()
    {
        var report = await FaultRun.RunAsync(new FaultRunOptions("stale cache", Voters: 3, Faults: FaultKind.None, Duration: TimeSpan.FromSeconds(5), Planted: PlantedFault.StaleCache), output.WriteLine);
        Assert.Contains(report.Registers, r => !r.IsLinearizable && !r.GaveUp);
        Assert.True(report.Set.IsValid, report.Summary);
    }

    [Fact]
    public async Task An_acknowledgement_without_a_write_is_caught_on_the_registers_and_as_lost_additions()
    {
        var report = await FaultRun.RunAsync(new FaultRunOptions("ack without write", Voters: 3, Faults: FaultKind.None, Duration: TimeSpan.FromSeconds(5), Planted: PlantedFault.AckWithoutWrite), output.WriteLine);
        Assert.Contains(report.Registers, r => !r.IsLinearizable && !r.GaveUp);
        Assert.NotEmpty(report.Set.Lost);
    }

    [Fact]
    public async Task A_healthy_run_without_faults_passes()
    {
        // The control for the two above: the same run with nothing planted.
        var report = await FaultRun.RunAsync(new FaultRunOptions("control", Voters: 3, Faults: FaultKind.None, Duration: TimeSpan.FromSeconds(5)), output.WriteLine);
        Assert.True(report.IsValid, report.Summary);
    }
}
