namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>
/// ZooKeeper's <c>org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider</c>: what <c>GET /metrics</c>
/// answers. The gauges and counters are the numeric <see cref="MonitorValues"/> — the very list <c>mntr</c> prints,
/// under the same keys without <c>zk_</c>, read on the request loop at each scrape, so the two never disagree —
/// followed by the <c>ServerMetrics</c> summaries and counters of <see cref="ZooKeeperMetricViews"/> and, with
/// <c>exportJvmInfo</c>, the <see cref="RuntimeMetrics"/>. Like ZooKeeper's, the server's gauges are absent while it
/// does not serve (in an election: <c>ZooKeeperServer.unregisterMetrics</c>), the summaries always present.
/// <para>
/// Written by hand rather than by OpenTelemetry's Prometheus exporter: that one exports histograms, never
/// summaries, so <c>{quantile="0.5"}</c> lines cannot come out of it, and it labels every sample with the meter
/// (<c>otel_scope_name</c>) unless told not to; views that renamed our instruments to ZooKeeper's names would rename
/// them for the OTLP exporter on the same MeterProvider too.
/// </para>
/// </summary>
internal sealed class PrometheusMetricsProvider(bool exportRuntime, Func<Task<IReadOnlyList<MonitorValue>>> monitorValues, TimeProvider time) : IDisposable
{
    private readonly ZooKeeperMetricViews _views = new(time);

    public async Task<string> ScrapeAsync()
    {
        var values = await monitorValues().ConfigureAwait(false);
        return Render(values, _views.Summaries, _views.Counters, exportRuntime);
    }

    /// <summary>The exposition text; every family once, gauges and counters in <c>mntr</c>'s order.</summary>
    public static string Render(
        IEnumerable<MonitorValue> values, IEnumerable<PrometheusSummary> summaries, IEnumerable<PrometheusCounter> counters, bool exportRuntime)
    {
        var text = new PrometheusTextWriter();
        foreach (var value in values)
        {
            if (value.Number is not { } number)
            {
                continue; // version, server_state, peer_state: strings, which ZooKeeper's provider never registers
            }

            if (value.Kind == MetricKind.Counter)
            {
                text.Counter(value.Key, number);
            }
            else
            {
                text.Gauge(value.Key, number);
            }
        }

        foreach (var counter in counters)
        {
            text.Counter(counter.Name, counter.Value);
        }

        foreach (var summary in summaries)
        {
            text.Summary(summary.Name, summary.Snapshot());
        }

        if (exportRuntime)
        {
            RuntimeMetrics.Write(text);
        }

        return text.ToString();
    }

    public void Dispose() => _views.Dispose();
}
