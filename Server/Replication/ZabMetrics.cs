using System.Diagnostics.Metrics;

namespace CoordAspire.Server.Replication;

/// <summary>
/// The consensus area's Meter, <c>CoordAspire.Zab</c>: what ZooKeeper's <c>mntr</c> reports about ZAB, as
/// OpenTelemetry instruments. Proposals, commit latency, proposal sizes, elections and the log's group-commit sync
/// are recorded as they happen (by <see cref="ZabTracing"/>, on the request loop). The gauges of the same Meter
/// (the leader's learners, synced followers, lags) are the Node's: it observes them from the figures its loop
/// publishes.
/// </summary>
public static class ZabMetrics
{
    public const string Name = "CoordAspire.Zab";

    public static readonly Meter Meter = new(Name, ServerVersion.Version);

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
}
