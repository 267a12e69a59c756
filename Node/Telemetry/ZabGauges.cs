using System.Diagnostics.Metrics;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Telemetry;

/// <summary>
/// The gauges of the consensus Meter (<see cref="ZabMetrics"/>): the leader's figures (learners, synced followers,
/// pending syncs, each follower's lag) and a learner's apply lag, observed from the <see cref="ServerFigures"/> the
/// loop publishes, so no gauge ever reads the consensus core from another thread. They report nothing where
/// ZooKeeper's would be null: the leader's figures only on the leader.
/// </summary>
internal static class ZabGauges
{
    public static readonly ObservableGauge<int> Learners = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.learners", () => ObserveLeader(e => e.Learners), "{learner}",
        "Learner connections to this leader, in any phase (zk_learners).");

    public static readonly ObservableGauge<int> SyncedFollowers = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.synced_followers", () => ObserveLeader(e => e.SyncedFollowers), "{follower}",
        "Followers this leader forwards proposals to (zk_synced_followers).");

    public static readonly ObservableGauge<int> SyncedObservers = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.synced_observers", () => ObserveLeader(e => e.SyncedObservers), "{observer}",
        "Observers this leader forwards commits to (zk_synced_observers).");

    public static readonly ObservableGauge<int> PendingSyncs = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.pending_syncs", () => ObserveLeader(e => e.PendingSyncs), "{sync}",
        "Syncs forwarded by learners that wait for a proposal to commit (zk_pending_syncs).");

    public static readonly ObservableGauge<int> OutstandingProposals = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.proposals.outstanding", () => ObserveLeader(e => e.OutstandingProposals), "{proposal}",
        "Proposals made and not yet committed by a quorum.");

    public static readonly ObservableGauge<int> LearnerLag = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.learner.lag", ObserveLearnerLags, "{proposal}",
        "Per follower (zab.learner.id), on the leader: proposals sent to it that it has not acknowledged, i.e. how far "
        + "its last ACKed zxid is behind the last proposed one.");

    public static readonly ObservableGauge<long> ApplyLag = ZabMetrics.Meter.CreateObservableGauge(
        "coordaspire.zab.learner.apply_lag", ObserveApplyLag, "{transaction}",
        "On a follower or observer: transactions logged from the leader and not yet applied, i.e. how far its state is "
        + "behind the proposals it has received (it applies each one when the leader's COMMIT arrives).");

    private static IEnumerable<Measurement<int>> ObserveLeader(Func<EnsembleFigures, int> value)
    {
        foreach (var figures in FiguresPublisher.Observe())
        {
            if (figures.Ensemble is { IsLeading: true } ensemble)
            {
                yield return new Measurement<int>(value(ensemble));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveLearnerLags()
    {
        foreach (var figures in FiguresPublisher.Observe())
        {
            if (figures.Ensemble is { IsLeading: true } ensemble)
            {
                foreach (var lag in ensemble.LearnerLags)
                {
                    yield return new Measurement<int>(lag.Unacknowledged, new KeyValuePair<string, object?>("zab.learner.id", lag.LearnerId));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveApplyLag()
    {
        foreach (var figures in FiguresPublisher.Observe())
        {
            if (figures.Ensemble is { IsLearner: true } ensemble)
            {
                yield return new Measurement<long>(ensemble.ApplyLag);
            }
        }
    }

    /// <summary>Creates the gauges (a static class's fields exist once it is first touched): called by each member.</summary>
    public static void Register() => _ = Learners;
}
