using System.Text;
using CoordAspire.Database.Processing;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>mntr</c> (ZooKeeper's <c>MonitorCommand</c>): <c>zk_&lt;name&gt;\t&lt;value&gt;</c> lines for monitoring systems.
/// We print the values ZooKeeper prints first and that mean the same here (the Prometheus and Nagios checks read
/// these); ZooKeeper's hundreds of internal pipeline timers have no counterpart and are left out rather than faked.
/// Rendered on the request loop.
/// </summary>
internal static class MonitorCommand
{
    public static string Render(FourLetterWordContext context, RequestProcessor processor)
    {
        var statistics = processor.Statistics;
        var tree = processor.Tree;
        var text = new StringBuilder();
        Add(text, "version", NodeVersion.FullVersion);
        Add(text, "server_state", context.ServerState);
        Add(text, "ephemerals_count", tree.EphemeralCount);
        Add(text, "num_alive_connections", context.Connections.Count);
        Add(text, "avg_latency", statistics.AvgLatency);
        Add(text, "outstanding_requests", statistics.OutstandingRequests);
        Add(text, "znode_count", StatCommand.NodeCount(processor));
        Add(text, "global_sessions", processor.Sessions.Count);
        Add(text, "packets_sent", statistics.PacketsSent);
        Add(text, "packets_received", statistics.PacketsReceived);
        Add(text, "connection_drop_probability", 0.0);
        Add(text, "watch_count", tree.DataWatches.WatchCount + tree.ChildWatches.WatchCount);
        Add(text, "min_latency", StatCommand.MinLatency(statistics));
        Add(text, "max_latency", statistics.MaxLatency);
        if (FileDescriptors.TryRead(out long open, out long max))
        {
            Add(text, "max_file_descriptor_count", max);
            Add(text, "open_file_descriptor_count", open);
        }

        Add(text, "approximate_data_size", tree.ApproximateDataSize);
        Add(text, "local_sessions", 0);
        Add(text, "uptime", context.Clock.ElapsedMs(context.Clock.Timestamp()) - context.StartedElapsedMs);
        Add(text, "proposal_count", 0);
        Add(text, "connection_rejected", context.Connections.Rejected);
        Add(text, "connection_drop_count", statistics.ConnectionsDropped);
        return text.ToString();
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
