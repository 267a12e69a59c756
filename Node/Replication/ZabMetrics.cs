using System.Diagnostics.Metrics;
using CoordAspire.Node.Telemetry;

namespace CoordAspire.Node.Replication;

/// <summary>
/// The consensus area's Meter, <c>CoordAspire.Zab</c>: what ZooKeeper's <c>mntr</c> reports about ZAB, as
/// OpenTelemetry instruments. Proposals, commit latency, proposal sizes, elections and the log's group-commit sync
/// are recorded as they happen (by <see cref="ZabTracing"/>, on the request loop); the leader's figures (learners,
/// synced followers, pending syncs, each follower's lag) and a learner's apply lag are observed from the
/// <see cref="ServerFigures"/> the loop publishes, so no gauge ever reads the consensus core from another thread.
/// Gauges report nothing where ZooKeeper's would be null: the leader's figures only on the leader.
/// </summary>
internal static class ZabMetrics
{
    public const string Name = "CoordAspire.Zab";

    public static readonly Meter Meter = new(Name, NodeVersion.Version);

    public static readonly Counter<long> Proposals = Meter.CreateCounter<long>(
        "coordaspire.zab.proposals", "{proposal}", "Proposals made by this server as leader (zk_proposal_count).");

    public static readonly Histogram<long> ProposalSize = Meter.CreateHistogram<long>(
        "coordaspire.zab.proposal.size", "By", "Size of each proposal's transaction (zk_last/min/max_proposal_size).");

    public static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>(
        "coordaspire.zab.commit.duration", "ms", "From PROPOSAL to COMMIT on the leader.");

    public static readonly Counter<long> Elections = Meter.CreateCounter<long>(
        "coordaspire.zab.elections", "{election}", "Leader elections this server took part in.");

    public static readonly Histogram<double> ElectionDuration = Meter.CreateHistogram<double>(
        "coordaspire.zab.election.duration", "ms", "From going LOOKING to knowing the leader (ZooKeeper logs it: LEADER ELECTION TOOK).");

    /// <summary>
    /// The write and fsync of the proposals one loop iteration logged: what a follower's ACK, and the leader's own
    /// vote, wait for. The fsync alone is <c>coordaspire.storage.log.fsync.duration</c>, standalone servers' too.
    /// </summary>
    public static readonly Histogram<double> LogSyncDuration = Meter.CreateHistogram<double>(
        "coordaspire.zab.fsync.duration", "ms", "Writing and fsyncing the proposals one loop iteration logged (group commit).");

    public static readonly ObservableGauge<int> Learners = Meter.CreateObservableGauge(
        "coordaspire.zab.learners", () => ObserveLeader(e => e.Learners), "{learner}",
        "Learner connections to this leader, in any phase (zk_learners).");

    public static readonly ObservableGauge<int> SyncedFollowers = Meter.CreateObservableGauge(
        "coordaspire.zab.synced_followers", () => ObserveLeader(e => e.SyncedFollowers), "{follower}",
        "Followers this leader forwards proposals to (zk_synced_followers).");

    public static readonly ObservableGauge<int> SyncedObservers = Meter.CreateObservableGauge(
        "coordaspire.zab.synced_observers", () => ObserveLeader(e => e.SyncedObservers), "{observer}",
        "Observers this leader forwards commits to (zk_synced_observers).");

    public static readonly ObservableGauge<int> PendingSyncs = Meter.CreateObservableGauge(
        "coordaspire.zab.pending_syncs", () => ObserveLeader(e => e.PendingSyncs), "{sync}",
        "Syncs forwarded by learners that wait for a proposal to commit (zk_pending_syncs).");

    public static readonly ObservableGauge<int> OutstandingProposals = Meter.CreateObservableGauge(
        "coordaspire.zab.proposals.outstanding", () => ObserveLeader(e => e.OutstandingProposals), "{proposal}",
        "Proposals made and not yet committed by a quorum.");

    public static readonly ObservableGauge<int> LearnerLag = Meter.CreateObservableGauge(
        "coordaspire.zab.learner.lag", ObserveLearnerLags, "{proposal}",
        "Per follower (zab.learner.id), on the leader: proposals sent to it that it has not acknowledged, i.e. how far "
        + "its last ACKed zxid is behind the last proposed one.");

    public static readonly ObservableGauge<long> ApplyLag = Meter.CreateObservableGauge(
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
}
