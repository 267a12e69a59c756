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

    /// <summary>ZooKeeper's request latency (<c>zk_avg/min/max_latency</c>), per operation as <c>cons</c> names it.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "coordaspire.node.request.duration", "ms", "From reading a request to its reply, by zookeeper.operation (CREA, GETD, PING…).");

    // The mntr figures of the server's state, as the loop last published them (FiguresPublisher).

    public static readonly ObservableGauge<int> Znodes = Meter.CreateObservableGauge(
        "coordaspire.node.znodes", () => Observe(f => f.Znodes), "{znode}", "Znodes in the tree (zk_znode_count).");

    public static readonly ObservableGauge<int> Ephemerals = Meter.CreateObservableGauge(
        "coordaspire.node.ephemerals", () => Observe(f => f.Ephemerals), "{znode}", "Ephemeral znodes (zk_ephemerals_count).");

    public static readonly ObservableGauge<int> Sessions = Meter.CreateObservableGauge(
        "coordaspire.node.sessions", () => Observe(f => f.Sessions), "{session}", "Sessions alive in the ensemble, as this server knows them (zk_global_sessions).");

    public static readonly ObservableGauge<int> Watches = Meter.CreateObservableGauge(
        "coordaspire.node.watches", () => Observe(f => f.Watches), "{watch}", "Data and child watches set on this server (zk_watch_count).");

    public static readonly ObservableGauge<long> DataSize = Meter.CreateObservableGauge(
        "coordaspire.node.data_size", () => Observe(f => f.ApproximateDataSize), "By", "Bytes of znode data and paths (zk_approximate_data_size).");

    public static readonly ObservableGauge<int> OutstandingRequests = Meter.CreateObservableGauge(
        "coordaspire.node.requests.outstanding", () => Observe(f => f.OutstandingRequests), "{request}",
        "Requests read from clients and not yet answered (zk_outstanding_requests).");

    /// <summary>Records one answered request (on the loop). <paramref name="operation"/> is one of a fixed set of literals.</summary>
    public static void RecordRequest(double milliseconds, string operation) =>
        RequestDuration.Record(milliseconds, new KeyValuePair<string, object?>("zookeeper.operation", operation));

    private static IEnumerable<Measurement<T>> Observe<T>(Func<ServerFigures, T> value) where T : struct
    {
        foreach (var figures in FiguresPublisher.Observe())
        {
            yield return new Measurement<T>(value(figures));
        }
    }

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
