using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CoordAspire.Node.Telemetry;

/// <summary>
/// The node's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>, both
/// named <c>CoordAspire.Node</c>, for an OpenTelemetry exporter (or <c>dotnet-counters</c>) to subscribe to. The
/// instruments cost nothing until someone listens.
/// </summary>
internal static class NodeTelemetry
{
    public const string Name = "CoordAspire.Node";

    public static readonly ActivitySource ActivitySource = new(Name, NodeVersion.Version);

    public static readonly Meter Meter = new(Name, NodeVersion.Version);

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "coordaspire.node.connections", "{connection}", "Client connections currently open.");

    public static readonly Counter<long> ConnectionsRejected = Meter.CreateCounter<long>(
        "coordaspire.node.connections.rejected", "{connection}", "Client connections refused at accept (maxClientCnxns).");

    public static readonly Counter<long> PacketsReceived = Meter.CreateCounter<long>(
        "coordaspire.node.packets.received", "{packet}", "Frames received from clients, connect requests included.");

    public static readonly Counter<long> PacketsSent = Meter.CreateCounter<long>(
        "coordaspire.node.packets.sent", "{packet}", "Frames sent to clients: replies, notifications and connect responses.");

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "coordaspire.node.bytes.received", "By", "Bytes read from client sockets.");

    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>(
        "coordaspire.node.bytes.sent", "By", "Bytes written to client sockets.");

    public static readonly Histogram<long> RequestBatchSize = Meter.CreateHistogram<long>(
        "coordaspire.node.loop.batch_size", "{item}", "Work items the request loop processed between two flushes.");

    /// <summary>
    /// The server span of a request whose client sent its trace context, from the loop taking it to its reply. It
    /// never becomes <see cref="Activity.Current"/>: the loop serves every client in turn.
    /// </summary>
    public static Activity? StartRequestSpan(string traceParent, int xid, Protocol.OpCode op, long sessionId)
    {
        if (!ActivitySource.HasListeners() || !ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return null;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        var span = ActivitySource.StartActivity("zookeeper " + op.ToString().ToLowerInvariant(), ActivityKind.Server, parent);
        Activity.Current = previous;
        if (span is not null)
        {
            span.SetTag("zookeeper.xid", xid);
            span.SetTag("zookeeper.session_id", "0x" + sessionId.ToString("x"));
        }

        return span;
    }
}
