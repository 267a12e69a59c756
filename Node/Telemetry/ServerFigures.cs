using CoordAspire.Database.Processing;
using CoordAspire.Node.Network;
using CoordAspire.Node.Replication;
using CoordAspire.Zab;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Telemetry;

/// <summary>
/// The state figures that <c>mntr</c> prints and the gauges export (ZooKeeper's <c>ZooKeeperServer.registerMetrics</c>
/// gauges), read in one go on the request loop, which owns the tree, the sessions, the watches and the consensus
/// core. Immutable, so the loop can hand a copy to the exporter's thread.
/// </summary>
/// <param name="Znodes">ZooKeeper's <c>zk_znode_count</c> (which counts the root twice, see <c>StatCommand.NodeCount</c>).</param>
/// <param name="OutstandingRequests">Requests read from clients and not yet answered (<c>zk_outstanding_requests</c>).</param>
internal sealed record ServerFigures(
    int Znodes,
    int Ephemerals,
    int Sessions,
    int Watches,
    long ApproximateDataSize,
    int OutstandingRequests,
    EnsembleFigures? Ensemble)
{
    /// <summary>On the loop. Walks the tree for its data size: call it per <c>mntr</c> or per metrics export, not per request.</summary>
    public static ServerFigures Read(RequestProcessor processor, ConnectionRegistry connections, EnsembleMember? member)
    {
        var tree = processor.Tree;
        return new ServerFigures(
            Commands.StatCommand.NodeCount(processor),
            tree.EphemeralCount,
            processor.Sessions.Count,
            tree.DataWatches.WatchCount + tree.ChildWatches.WatchCount,
            tree.ApproximateDataSize,
            CountOutstandingRequests(connections),
            member is null ? null : EnsembleFigures.Read(member.Peer));
    }

    /// <summary>
    /// ZooKeeper's <c>ServerStats.getOutstandingRequests</c> (requests submitted and not finished): for every
    /// connection, what it has read and the loop has not processed yet, and what the loop processed and has not
    /// answered (a write waiting for its commit, a read queued behind the session's writes). On the loop.
    /// </summary>
    public static int CountOutstandingRequests(ConnectionRegistry connections)
    {
        int outstanding = 0;
        foreach (var connection in connections.Snapshot())
        {
            outstanding += connection.QueuedRequests + connection.AwaitingReplies;
        }

        return outstanding;
    }
}

/// <summary>An ensemble member's figures, from its consensus core (read on the loop, like the rest).</summary>
/// <param name="ApplyLag">Transactions logged and not yet applied (see <see cref="ZabMetrics"/>' apply lag).</param>
internal sealed record EnsembleFigures(
    ServerState State,
    ZabPhase Phase,
    int Learners,
    int SyncedFollowers,
    int SyncedObservers,
    int PendingSyncs,
    int OutstandingProposals,
    long LeaderUptimeMs,
    IReadOnlyList<LearnerLag> LearnerLags,
    long ApplyLag)
{
    /// <summary>A leader in the broadcast phase: the leader's figures mean something.</summary>
    public bool IsLeading => State == ServerState.Leading && Phase == ZabPhase.Broadcast;

    /// <summary>A follower or observer in the broadcast phase.</summary>
    public bool IsLearner => State is ServerState.Following or ServerState.Observing && Phase == ZabPhase.Broadcast;

    /// <summary><c>zk_peer_state</c> (<c>QuorumPeer.getDetailedPeerState</c>): "leading - broadcast", "looking".</summary>
    public string PeerState => Phase == ZabPhase.Election
        ? State.ToString().ToLowerInvariant()
        : State.ToString().ToLowerInvariant() + " - " + Phase.ToString().ToLowerInvariant();

    public static EnsembleFigures Read(ZabPeer peer) => new(
        peer.State,
        peer.Phase,
        peer.LearnerCount,
        peer.SyncedFollowerCount,
        peer.SyncedObserverCount,
        peer.PendingSyncCount,
        peer.OutstandingProposalCount,
        peer.LeadingTicks * EnsembleSetup.CoreTickMs,
        peer.LearnerLags(),
        Transactions(peer.LastLoggedZxid, peer.LastAppliedZxid));

    /// <summary>
    /// How many transactions lie after <paramref name="from"/> up to <paramref name="to"/>: zxids of one epoch are
    /// contiguous, so within an epoch it is the counters' difference; across epochs, the later epoch's counter (the
    /// older epoch's remaining proposals are few, and are not numbered by anything we hold).
    /// </summary>
    private static long Transactions(long to, long from)
    {
        if (to <= from)
        {
            return 0;
        }

        return Zxid.EpochOf(to) == Zxid.EpochOf(from) ? to - from : Zxid.CounterOf(to);
    }
}
