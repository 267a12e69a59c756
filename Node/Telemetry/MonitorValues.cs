using CoordAspire.Database.Processing;
using CoordAspire.Node.Commands;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Telemetry;

/// <summary>
/// The figures <c>mntr</c> prints and the Prometheus endpoint exports, read in one go on the request loop:
/// ZooKeeper's <c>ZooKeeperServer.dumpMonitorValues</c> (version, state) followed by what it registered with its
/// metrics provider (<c>ZooKeeperServer.registerMetrics</c>; <c>QuorumZooKeeperServer</c>'s <c>quorum_size</c>;
/// <c>LeaderZooKeeperServer</c>'s learners, synced followers, pending syncs, leader uptime and proposal sizes, only on
/// the leader; <c>FollowerZooKeeperServer</c>'s <c>synced_observers</c>) and the <c>ServerMetrics</c> counters we keep.
/// We list the values ZooKeeper lists first and that mean the same here (the Prometheus and Nagios checks read
/// these); ZooKeeper's hundreds of internal pipeline timers have no counterpart and are left out rather than faked.
/// </summary>
internal static class MonitorValues
{
    /// <summary>On the loop.</summary>
    public static IReadOnlyList<MonitorValue> Read(FourLetterWordContext context, RequestProcessor processor)
    {
        var statistics = processor.Statistics;
        var member = context.Ensemble();
        var figures = ServerFigures.Read(processor, context.Connections, member);
        var values = new List<MonitorValue>(40)
        {
            MonitorValue.String("version", NodeVersion.FullVersion),
            MonitorValue.String("server_state", context.ServerState),
        };
        // A read-only server is a plain ZooKeeperServer in Apache, not a QuorumZooKeeperServer: no peer state.
        if (figures.Ensemble is { } ensemble && processor.Role != ProcessorRole.ReadOnly)
        {
            values.Add(MonitorValue.String("peer_state", ensemble.PeerState));
        }

        values.Add(MonitorValue.Gauge("ephemerals_count", figures.Ephemerals));
        values.Add(MonitorValue.Gauge("num_alive_connections", context.Connections.Count));
        values.Add(MonitorValue.Gauge("avg_latency", statistics.AvgLatency));
        values.Add(MonitorValue.Gauge("outstanding_requests", figures.OutstandingRequests));
        values.Add(MonitorValue.Gauge("znode_count", figures.Znodes));
        values.Add(MonitorValue.Gauge("global_sessions", figures.Sessions));
        values.Add(MonitorValue.Gauge("packets_sent", statistics.PacketsSent));
        values.Add(MonitorValue.Gauge("packets_received", statistics.PacketsReceived));
        values.Add(MonitorValue.Gauge("connection_drop_probability", 0.0));
        values.Add(MonitorValue.Gauge("watch_count", figures.Watches));
        values.Add(MonitorValue.Gauge("min_latency", StatCommand.MinLatency(statistics)));
        values.Add(MonitorValue.Gauge("max_latency", statistics.MaxLatency));
        if (FileDescriptors.TryRead(out long open, out long max))
        {
            values.Add(MonitorValue.Gauge("max_file_descriptor_count", max));
            values.Add(MonitorValue.Gauge("open_file_descriptor_count", open));
        }

        values.Add(MonitorValue.Gauge("approximate_data_size", figures.ApproximateDataSize));
        values.Add(MonitorValue.Gauge("local_sessions", processor.LocalSessionCount));
        values.Add(MonitorValue.Gauge("uptime", context.Clock.ElapsedMs(context.Clock.Timestamp()) - context.StartedElapsedMs));

        // ServerMetrics counters: Prometheus exports them as counters, mntr prints them like the rest.
        values.Add(MonitorValue.Counter("proposal_count", member?.Tracing.ProposalCount ?? 0));
        values.Add(MonitorValue.Counter("connection_rejected", context.Connections.Rejected));
        values.Add(MonitorValue.Counter("connection_drop_count", statistics.ConnectionsDropped));
        if (figures.Ensemble is { } quorum && member is not null)
        {
            AddQuorumValues(values, context, quorum, member.Tracing);
        }

        return values;
    }

    /// <summary>
    /// <c>QuorumZooKeeperServer</c>'s <c>quorum_size</c> (the voting members, <c>QuorumPeer.getQuorumSize</c>), then the
    /// leader's gauges, which ZooKeeper registers with <c>gaugeWithLeader</c> (null, so not printed, elsewhere);
    /// <c>synced_observers</c> is registered by followers too (observers that sync from a follower: none here).
    /// </summary>
    private static void AddQuorumValues(List<MonitorValue> values, FourLetterWordContext context, EnsembleFigures ensemble, CoordAspire.Server.Replication.ZabTracing proposals)
    {
        values.Add(MonitorValue.Gauge("quorum_size", context.Config.VotingMembers.Count()));
        if (!ensemble.IsLeading)
        {
            if (ensemble.State == Zab.ServerState.Following)
            {
                values.Add(MonitorValue.Gauge("synced_observers", 0));
            }

            return;
        }

        values.Add(MonitorValue.Gauge("learners", ensemble.Learners));
        values.Add(MonitorValue.Gauge("synced_followers", ensemble.SyncedFollowers));
        values.Add(MonitorValue.Gauge("synced_non_voting_followers", 0));
        values.Add(MonitorValue.Gauge("synced_observers", ensemble.SyncedObservers));
        values.Add(MonitorValue.Gauge("pending_syncs", ensemble.PendingSyncs));
        values.Add(MonitorValue.Gauge("leader_uptime", ensemble.LeaderUptimeMs));
        values.Add(MonitorValue.Gauge("last_proposal_size", proposals.LastProposalSize));
        values.Add(MonitorValue.Gauge("max_proposal_size", proposals.MaxProposalSize));
        values.Add(MonitorValue.Gauge("min_proposal_size", proposals.MinProposalSize));
    }
}
