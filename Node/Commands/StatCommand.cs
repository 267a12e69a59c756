using System.Text;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Network;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>srvr</c>, <c>stat</c> and <c>cons</c> (ZooKeeper's <c>StatCommand</c>, <c>ConsCommand</c>,
/// <c>ServerStats.toString</c> and <c>ServerCnxn.dumpConnectionInfo</c>). Rendered on the request loop.
/// </summary>
internal static class StatCommand
{
    /// <summary><c>srvr</c> (<paramref name="withClients"/> false) and <c>stat</c>.</summary>
    public static string Render(FourLetterWordContext context, RequestProcessor processor, bool withClients)
    {
        var text = new StringBuilder();
        text.Append("Zookeeper version: ").Append(NodeVersion.FullVersion).Append('\n');
        if (withClients)
        {
            text.Append("Clients:\n");
            foreach (var connection in context.Connections.Snapshot())
            {
                AppendConnection(text, connection, brief: true);
                text.Append('\n');
            }

            text.Append('\n');
        }

        var statistics = processor.Statistics;
        text.Append("Latency min/avg/max: ").Append(MinLatency(statistics)).Append('/')
            .Append(JavaFormat.Double(statistics.AvgLatency)).Append('/').Append(statistics.MaxLatency).Append('\n');
        text.Append("Received: ").Append(statistics.PacketsReceived).Append('\n');
        text.Append("Sent: ").Append(statistics.PacketsSent).Append('\n');
        text.Append("Connections: ").Append(context.Connections.Count).Append('\n');
        text.Append("Outstanding: ").Append(Telemetry.ServerFigures.CountOutstandingRequests(context.Connections)).Append('\n');
        text.Append("Zxid: 0x").Append(JavaFormat.Hex(processor.Tree.LastProcessedZxid)).Append('\n');
        text.Append("Mode: ").Append(context.ServerState).Append('\n');
        text.Append("Node count: ").Append(NodeCount(processor)).Append('\n');
        return text.ToString();
    }

    /// <summary><c>cons</c>: every connection in full.</summary>
    public static string RenderConnections(FourLetterWordContext context)
    {
        var text = new StringBuilder();
        foreach (var connection in context.Connections.Snapshot())
        {
            AppendConnection(text, connection, brief: false);
            text.Append('\n');
        }

        text.Append('\n');
        return text.ToString();
    }

    /// <summary><c>ServerStats.getMinLatency</c>: 0 before the first request.</summary>
    public static long MinLatency(ServerStatistics statistics) => statistics.MinLatency == long.MaxValue ? 0 : statistics.MinLatency;

    /// <summary>
    /// ZooKeeper's node count (<c>DataTree.getNodeCount</c>) counts the root twice, because its table keys the root
    /// under both "" and "/". We report the same number, so that a monitor comparing us with ZooKeeper agrees.
    /// </summary>
    public static int NodeCount(RequestProcessor processor) => processor.Tree.NodeCount + 1;

    private static void AppendConnection(StringBuilder text, ClientConnection connection, bool brief)
    {
        var statistics = connection.Statistics;
        text.Append(' ').Append(JavaFormat.SocketAddress(connection.RemoteEndPoint))
            .Append('[').Append(connection.IsReading ? '1' : '0').Append("](queued=").Append(connection.QueuedRequests)
            .Append(",recved=").Append(statistics.PacketsReceived)
            .Append(",sent=").Append(statistics.PacketsSent);
        if (!brief && connection.SessionId != 0)
        {
            text.Append(",sid=0x").Append(JavaFormat.Hex(connection.SessionId))
                .Append(",lop=").Append(statistics.LastOperation)
                .Append(",est=").Append(statistics.EstablishedWallMs)
                .Append(",to=").Append(connection.SessionTimeout);
            if (statistics.LastCxid >= 0)
            {
                text.Append(",lcxid=0x").Append(JavaFormat.Hex(statistics.LastCxid));
            }

            text.Append(",lzxid=0x").Append(JavaFormat.Hex(statistics.LastZxid))
                .Append(",lresp=").Append(statistics.LastResponseTime)
                .Append(",llat=").Append(statistics.LastLatency)
                .Append(",minlat=").Append(statistics.MinLatency)
                .Append(",avglat=").Append(statistics.AvgLatency)
                .Append(",maxlat=").Append(statistics.MaxLatency);
        }

        text.Append(')');
    }
}
