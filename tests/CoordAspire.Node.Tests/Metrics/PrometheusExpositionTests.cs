using CoordAspire.Node.Telemetry;
using CoordAspire.Node.Telemetry.Prometheus;

namespace CoordAspire.Node.Tests.Metrics;

/// <summary>
/// The text <c>GET /metrics</c> answers, against what Apache ZooKeeper 3.8 serves. Debian's zookeeper package has no
/// Prometheus provider jar, so the golden text is written from the sources that produce Apache's: the names and
/// kinds from <c>ZooKeeperServer.registerMetrics</c> (gauges), <c>ServerMetrics</c> (counters, and summaries with
/// their detail level) and <c>PrometheusMetricsProvider</c> (help text = name; BASIC summaries the median, ADVANCED
/// 0.5/0.9/0.99), the layout from the Java client it uses, simpleclient 0.9's <c>TextFormat.write004</c> (the
/// comma after each label, values by <c>Double.toString</c>, quantiles then <c>_count</c> then <c>_sum</c>).
/// </summary>
public class PrometheusExpositionTests
{
    [Fact]
    public void Gauges_counters_and_summaries_are_written_as_ZooKeepers_Java_client_writes_them()
    {
        var time = new ManualTimeProvider();
        var fsync = new PrometheusSummary("fsynctime", SummaryDetail.Basic, time);
        var read = new PrometheusSummary("readlatency", SummaryDetail.Advanced, time);
        foreach (var ms in new[] { 3, 1, 2, 4 })
        {
            fsync.Observe(ms);
        }

        var looking = new PrometheusCounter("looking_count");
        looking.Add(2);
        MonitorValue[] values =
        [
            MonitorValue.String("version", "3.8.0-CoordAspire"),
            MonitorValue.String("server_state", "leader"),
            MonitorValue.Gauge("avg_latency", 0.25),
            MonitorValue.Gauge("znode_count", 12),
            MonitorValue.Gauge("approximate_data_size", 12_345_678),
            MonitorValue.Counter("proposal_count", 7),
            MonitorValue.Gauge("quorum_size", 3),
        ];

        var text = PrometheusMetricsProvider.Render(values, [fsync, read], [looking], exportRuntime: false);

        Assert.Equal(
            """
            # HELP avg_latency avg_latency
            # TYPE avg_latency gauge
            avg_latency 0.25
            # HELP znode_count znode_count
            # TYPE znode_count gauge
            znode_count 12.0
            # HELP approximate_data_size approximate_data_size
            # TYPE approximate_data_size gauge
            approximate_data_size 1.2345678E7
            # HELP proposal_count proposal_count
            # TYPE proposal_count counter
            proposal_count 7.0
            # HELP quorum_size quorum_size
            # TYPE quorum_size gauge
            quorum_size 3.0
            # HELP looking_count looking_count
            # TYPE looking_count counter
            looking_count 2.0
            # HELP fsynctime fsynctime
            # TYPE fsynctime summary
            fsynctime{quantile="0.5",} 3.0
            fsynctime_count 4.0
            fsynctime_sum 10.0
            # HELP readlatency readlatency
            # TYPE readlatency summary
            readlatency{quantile="0.5",} NaN
            readlatency{quantile="0.9",} NaN
            readlatency{quantile="0.99",} NaN
            readlatency_count 0.0
            readlatency_sum 0.0

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Help_and_label_values_are_escaped_as_the_format_requires()
    {
        var text = new PrometheusTextWriter();
        text.Family("x", "a \\ b\nc", "gauge");
        text.Sample("x", double.PositiveInfinity, ("path", "/a\"b\\c\nd"));
        text.Sample("x", double.NegativeInfinity);

        Assert.Equal("# HELP x a \\\\ b\\nc\n# TYPE x gauge\nx{path=\"/a\\\"b\\\\c\\nd\",} +Inf\nx -Inf\n", text.ToString());
    }

    [Fact]
    public void The_runtime_figures_keep_the_process_collectors_names()
    {
        var text = PrometheusMetricsProvider.Render([], [], [], exportRuntime: true);

        // simpleclient's StandardExports (what dashboards' process panels read), then .NET's in place of jvm_*.
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_start_time_seconds gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_resident_memory_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_open_fds gauge\n", text, StringComparison.Ordinal);
        Assert.Matches("\ndotnet_info\\{version=\"[0-9.]+\",runtime=\"\\.NET [^\"]+\",\\} 1\\.0\n", text);
        Assert.DoesNotContain("jvm_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("process_", PrometheusMetricsProvider.Render([], [], [], exportRuntime: false), StringComparison.Ordinal);
    }
}
