using System.Diagnostics;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.FaultInjection.Tests.Faults;

/// <summary>
/// The rolling migration an operator does: one server at a time, followers first and the leader last, stop it
/// (SIGTERM, as <c>zkServer.sh stop</c>), start the other implementation on the same zoo.cfg and dataDir, and wait
/// until it serves again before the next — from Apache ZooKeeper to our Node, then back.
/// </summary>
public sealed class RollingMigration(EnsembleUnderTest ensemble, TimeSpan settle)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<FaultEvent> _events = [];

    public IReadOnlyList<FaultEvent> Events => _events;

    /// <summary>Every member to <paramref name="apache"/> (Apache ZooKeeper when true, ours when false).</summary>
    public async Task MigrateAsync(bool apache)
    {
        foreach (var member in await OrderAsync())
        {
            if (ensemble.IsApache(member) == apache)
            {
                continue;
            }

            double start = _clock.Elapsed.TotalSeconds;
            bool wasLeader = await member.ModeAsync() == "leader";
            await EnsembleUnderTest.StopAsync(member);
            ensemble.Replace(member, apache);
            await ensemble.RestartAsync(member);
            await ensemble.WaitUntilAllServeAsync(TimeSpan.FromSeconds(90));
            _events.Add(new FaultEvent(FaultKind.Replace, member.Id, wasLeader, start, _clock.Elapsed.TotalSeconds));

            // A moment under load on the new mix before the next step.
            await Task.Delay(settle);
        }
    }

    /// <summary>Followers and observers first, the leader last: one leader change per migration, not one per step.</summary>
    private async Task<IReadOnlyList<EnsembleUnderTest.Member>> OrderAsync()
    {
        var leader = await ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        return [.. ensemble.Members.Where(m => m.Id != leader.Id), leader];
    }
}
