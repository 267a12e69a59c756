using CoordAspire.Node.Commands;

namespace CoordAspire.Node.Telemetry;

/// <summary>What Prometheus calls a figure's kind (<c># TYPE</c>), as ZooKeeper registers it.</summary>
internal enum MetricKind
{
    /// <summary><c>MetricsContext.registerGauge</c>: a value read when asked (most of <c>mntr</c>).</summary>
    Gauge,

    /// <summary><c>MetricsContext.getCounter</c>: a count that only grows (<c>ServerMetrics</c>' counters).</summary>
    Counter,
}

/// <summary>
/// One line of <c>mntr</c> (ZooKeeper's <c>dumpMonitorValues</c> and <c>MetricsProvider.dump</c> sinks): its key without
/// the <c>zk_</c> prefix, its text as <c>mntr</c> prints it and, for a number, its value and kind as the Prometheus
/// endpoint exports it under the same key. One list of these feeds both, so they cannot disagree.
/// </summary>
/// <param name="Key">ZooKeeper's name: <c>znode_count</c>, <c>avg_latency</c>.</param>
/// <param name="Text">The value as <c>mntr</c> prints it (<c>Long.toString</c>, <c>Double.toString</c>, or a string).</param>
/// <param name="Number">The value, or null for the strings (<c>version</c>, <c>server_state</c>, <c>peer_state</c>) Prometheus cannot carry.</param>
internal readonly record struct MonitorValue(string Key, string Text, double? Number, MetricKind Kind)
{
    public static MonitorValue Gauge(string key, long value) =>
        new(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture), value, MetricKind.Gauge);

    public static MonitorValue Gauge(string key, double value) => new(key, JavaFormat.Double(value), value, MetricKind.Gauge);

    public static MonitorValue Counter(string key, long value) =>
        new(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture), value, MetricKind.Counter);

    public static MonitorValue String(string key, string value) => new(key, value, null, MetricKind.Gauge);
}
