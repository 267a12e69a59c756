using System.Diagnostics.Metrics;

namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>
/// ZooKeeper's <c>ServerMetrics</c> summaries and counters that we measure, each fed by the OpenTelemetry instrument
/// that measures the same thing (a <see cref="MeterListener"/>, so a figure is recorded once, for the OTLP exporter
/// and for Prometheus alike). The table below is the whole mapping, and the only place that knows ZooKeeper's
/// names for our instruments; the README lists what ZooKeeper has that we do not. Values are converted to what
/// ZooKeeper records: whole milliseconds (<c>Summary.add(long)</c> of a <c>Time.currentElapsedTime</c> difference).
/// Like ZooKeeper's (a JVM-wide <c>CollectorRegistry.defaultRegistry</c>) these are per process, not per server: a
/// Node runs one server.
/// </summary>
internal sealed class ZooKeeperMetricViews : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, Measured> _routes;

    public ZooKeeperMetricViews(TimeProvider time)
    {
        PrometheusSummary Summary(string name, SummaryDetail detail) => new(name, detail, time);

        // ServerMetrics' order. BASIC: median only; ADVANCED: 0.5, 0.9, 0.99.
        var fsync = Summary("fsynctime", SummaryDetail.Basic);
        var snapshot = Summary("snapshottime", SummaryDetail.Basic);
        var read = Summary("readlatency", SummaryDetail.Advanced);
        var update = Summary("updatelatency", SummaryDetail.Advanced);
        var election = Summary("election_time", SummaryDetail.Basic);
        var batch = Summary("sync_processor_batch_size", SummaryDetail.Basic);
        var quorumAck = Summary("quorum_ack_latency", SummaryDetail.Advanced);
        Summaries = [fsync, snapshot, read, update, election, batch, quorumAck];

        var looking = new PrometheusCounter("looking_count");
        var bytesReceived = new PrometheusCounter("bytes_received_count");
        Counters = [looking, bytesReceived];

        _routes = new(StringComparer.Ordinal)
        {
            // FileTxnLog.commit: FSYNC_TIME.add(syncElapsedMS).
            ["coordaspire.storage.log.fsync.duration"] = (ms, _) => fsync.Observe(WholeMs(ms)),

            // ZooKeeperServer.takeSnapshot: SNAPSHOT_TIME.add(elapsed ms); ours is in seconds.
            ["coordaspire.storage.snapshot.duration"] = (s, _) => snapshot.Observe(WholeMs(s * 1000)),

            // SyncRequestProcessor.flush: BATCH_SIZE.add(toFlush.size()).
            ["coordaspire.storage.log.batch.size"] = (n, _) => batch.Observe(n),

            // ServerStats.updateLatency: a request with a txn header (a write, session creation and closing
            // included) is an update, anything else (pings too) a read, from its arrival to its reply.
            ["coordaspire.node.request.duration"] = (ms, tags) => (IsUpdate(tags) ? update : read).Observe(WholeMs(ms)),

            // Leader.lead / Follower.followLeader: ELECTION_TIME.add(electionTimeTaken).
            ["coordaspire.zab.election.duration"] = (ms, _) => election.Observe(WholeMs(ms)),

            // Leader.processAck: QUORUM_ACK_LATENCY, from the proposal to its quorum of ACKs (our PROPOSAL to COMMIT).
            ["coordaspire.zab.commit.duration"] = (ms, _) => quorumAck.Observe(WholeMs(ms)),

            // QuorumPeer.run: LOOKING_COUNT.add(1) each time the peer goes LOOKING (an election begins).
            ["coordaspire.zab.elections"] = (n, _) => looking.Add((long)n),

            // ServerCnxn.incrPacketsReceived's neighbour: BYTES_RECEIVED_COUNT.add(bytes read from a client).
            ["coordaspire.node.bytes.received"] = (n, _) => bytesReceived.Add((long)n),
        };

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("CoordAspire.", StringComparison.Ordinal) && _routes.TryGetValue(instrument.Name, out var route))
            {
                listener.EnableMeasurementEvents(instrument, route);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => Route(state, value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => Route(state, value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => Route(state, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<PrometheusSummary> Summaries { get; }

    public IReadOnlyList<PrometheusCounter> Counters { get; }

    public void Dispose() => _listener.Dispose();

    /// <summary>What one instrument's measurement does to ZooKeeper's figures.</summary>
    private delegate void Measured(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    private static void Route(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        ((Measured)state!)(value, tags);

    private static double WholeMs(double milliseconds) => Math.Floor(milliseconds);

    /// <summary>The operations <c>PrepRequestProcessor</c> gives a txn header, by their <c>cons</c> names.</summary>
    private static bool IsUpdate(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "zookeeper.operation")
            {
                return tag.Value is "CREA" or "DELE" or "SETD" or "SETA" or "MULT" or "RECO" or "SESS" or "CLOS";
            }
        }

        return false;
    }
}
