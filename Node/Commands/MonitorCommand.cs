using System.Text;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Telemetry;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>mntr</c> (ZooKeeper's <c>MonitorCommand</c>): <c>zk_&lt;name&gt;\t&lt;value&gt;</c> lines for monitoring systems.
/// We print the values ZooKeeper prints first and that mean the same here (the Prometheus and Nagios checks read
/// these); ZooKeeper's hundreds of internal pipeline timers have no counterpart and are left out rather than faked.
/// An ensemble member adds <c>zk_peer_state</c> (<c>QuorumZooKeeperServer.dumpMonitorValues</c>), and the leader its
/// own figures (<c>LeaderZooKeeperServer.registerMetrics</c>: learners, synced followers and observers, pending syncs,
/// leader uptime, proposal sizes), which ZooKeeper prints only on the leader. The same figures are the
/// <c>CoordAspire.Node</c> and <c>CoordAspire.Zab</c> gauges. Rendered on the request loop.
/// </summary>
internal static class MonitorCommand
{
    public static string Render(FourLetterWordContext context, RequestProcessor processor)
    {
        var statistics = processor.Statistics;
        var member = context.Ensemble();
        var figures = ServerFigures.Read(processor, context.Connections, member);
        var text = new StringBuilder();
        Add(text, "version", NodeVersion.FullVersion);
        Add(text, "server_state", context.ServerState);
        // A read-only server is a plain ZooKeeperServer in Apache, not a QuorumZooKeeperServer: no peer state.
        if (figures.Ensemble is { } ensemble && processor.Role != ProcessorRole.ReadOnly)
        {
            Add(text, "peer_state", ensemble.PeerState);
        }

        Add(text, "ephemerals_count", figures.Ephemerals);
        Add(text, "num_alive_connections", context.Connections.Count);
        Add(text, "avg_latency", statistics.AvgLatency);
        Add(text, "outstanding_requests", figures.OutstandingRequests);
        Add(text, "znode_count", figures.Znodes);
        Add(text, "global_sessions", figures.Sessions);
        Add(text, "packets_sent", statistics.PacketsSent);
        Add(text, "packets_received", statistics.PacketsReceived);
        Add(text, "connection_drop_probability", 0.0);
        Add(text, "watch_count", figures.Watches);
        Add(text, "min_latency", StatCommand.MinLatency(statistics));
        Add(text, "max_latency", statistics.MaxLatency);
        if (FileDescriptors.TryRead(out long open, out long max))
        {
            Add(text, "max_file_descriptor_count", max);
            Add(text, "open_file_descriptor_count", open);
        }

        Add(text, "approximate_data_size", figures.ApproximateDataSize);
        Add(text, "local_sessions", processor.ReadOnlySessionCount); // only a read-only server has local sessions
        Add(text, "uptime", context.Clock.ElapsedMs(context.Clock.Timestamp()) - context.StartedElapsedMs);
        Add(text, "proposal_count", member?.Tracing.ProposalCount ?? 0);
        Add(text, "connection_rejected", context.Connections.Rejected);
        Add(text, "connection_drop_count", statistics.ConnectionsDropped);
        if (figures.Ensemble is { } quorum && member is not null)
        {
            AddQuorumFigures(text, quorum, member.Tracing);
        }

        return text.ToString();
    }

    /// <summary>
    /// The leader's gauges, which ZooKeeper registers with <c>gaugeWithLeader</c> (null, so not printed, elsewhere);
    /// <c>synced_observers</c> is printed by followers too (observers that sync from a follower: none here).
    /// </summary>
    private static void AddQuorumFigures(StringBuilder text, EnsembleFigures ensemble, Replication.ZabTracing proposals)
    {
        if (!ensemble.IsLeading)
        {
            if (ensemble.State == Zab.ServerState.Following)
            {
                Add(text, "synced_observers", 0);
            }

            return;
        }

        Add(text, "learners", ensemble.Learners);
        Add(text, "synced_followers", ensemble.SyncedFollowers);
        Add(text, "synced_non_voting_followers", 0);
        Add(text, "synced_observers", ensemble.SyncedObservers);
        Add(text, "pending_syncs", ensemble.PendingSyncs);
        Add(text, "leader_uptime", ensemble.LeaderUptimeMs);
        Add(text, "last_proposal_size", proposals.LastProposalSize);
        Add(text, "max_proposal_size", proposals.MaxProposalSize);
        Add(text, "min_proposal_size", proposals.MinProposalSize);
    }

    private static void Add(StringBuilder text, string key, long value) => text.Append("zk_").Append(key).Append('\t').Append(value).Append('\n');

    private static void Add(StringBuilder text, string key, double value) => Add(text, key, JavaFormat.Double(value));

    private static void Add(StringBuilder text, string key, string value) => text.Append("zk_").Append(key).Append('\t').Append(value).Append('\n');

    /// <summary>Open and maximum file descriptors, as ZooKeeper reports them on Unix (<c>UnixOperatingSystemMXBean</c>).</summary>
    private static class FileDescriptors
    {
        public static bool TryRead(out long open, out long max)
        {
            open = 0;
            max = 0;
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            try
            {
                open = Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
                foreach (var line in File.ReadLines("/proc/self/limits"))
                {
                    // "Max open files            1048576              1048576              files"
                    if (line.StartsWith("Max open files", StringComparison.Ordinal))
                    {
                        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        return fields.Length > 0 && long.TryParse(fields[0], out max);
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return false;
        }
    }
}
