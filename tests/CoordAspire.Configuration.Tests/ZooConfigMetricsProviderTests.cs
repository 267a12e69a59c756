using static CoordAspire.Configuration.Tests.ZooConfigText;

namespace CoordAspire.Configuration.Tests;

/// <summary>
/// <c>metricsProvider.*</c> as ZooKeeper 3.8 reads it: <c>QuorumPeerConfig</c> keeps <c>metricsProvider.className</c>
/// and hands every other <c>metricsProvider.*</c> key, without the prefix, to the provider's <c>configure</c>
/// (<c>PrometheusMetricsProvider</c>: httpHost 0.0.0.0, httpPort 7000, exportJvmInfo true).
/// </summary>
public class ZooConfigMetricsProviderTests
{
    private const string Prometheus = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

    [Fact]
    public void Without_a_className_the_default_provider_runs_no_endpoint()
    {
        var config = Parse("dataDir=/d");

        Assert.Equal("org.apache.zookeeper.metrics.impl.DefaultMetricsProvider", config.MetricsProvider.ClassName);
        Assert.False(config.MetricsProvider.IsPrometheus);
    }

    [Fact]
    public void The_Prometheus_provider_has_ZooKeepers_defaults()
    {
        var config = Parse($"dataDir=/d\nmetricsProvider.className={Prometheus}");

        Assert.True(config.MetricsProvider.IsPrometheus);
        Assert.Equal("0.0.0.0", config.MetricsProvider.HttpHost);
        Assert.Equal(7000, config.MetricsProvider.HttpPort);
        Assert.True(config.MetricsProvider.ExportJvmInfo);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void The_Prometheus_providers_settings_are_read()
    {
        var config = Parse($"""
            dataDir=/d
            metricsProvider.httpPort = 7070
            metricsProvider.className = {Prometheus}
            metricsProvider.httpHost=[::1]
            metricsProvider.exportJvmInfo=false
            metricsProvider.numWorkerThreads=4
            metricsProvider.maxQueueSize=100
            metricsProvider.workerShutdownTimeoutMs=500
            """);

        Assert.Equal(Prometheus, config.MetricsProvider.ClassName);
        Assert.Equal("::1", config.MetricsProvider.HttpHost);
        Assert.Equal(7070, config.MetricsProvider.HttpPort);
        Assert.False(config.MetricsProvider.ExportJvmInfo);
        Assert.Equal("4", config.MetricsProvider.Properties["numWorkerThreads"]);
        Assert.Equal(6, config.MetricsProvider.Properties.Count);
        Assert.Empty(config.Warnings);

        // Not system properties (QuorumPeerConfig knows the prefix), but in Properties like every key.
        Assert.Empty(config.SystemProperties);
        Assert.Equal("7070", config.Properties["metricsProvider.httpPort"]);
    }

    [Theory]
    [InlineData("org.apache.zookeeper.metrics.impl.DefaultMetricsProvider", false)]
    [InlineData("org.apache.zookeeper.metrics.impl.NullMetricsProvider", false)]
    [InlineData(Prometheus, true)]
    public void The_providers_ZooKeeper_ships_are_accepted(string className, bool prometheus)
    {
        var config = Parse($"dataDir=/d\nmetricsProvider.className={className}");

        Assert.Equal(className, config.MetricsProvider.ClassName);
        Assert.Equal(prometheus, config.MetricsProvider.IsPrometheus);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        {
            "dataDir=/d\nmetricsProvider.className=com.example.MyProvider",
            "conf/zoo.cfg:2: metricsProvider.className: 'com.example.MyProvider' is not a metrics provider CoordAspire has; "
            + $"use {Prometheus} (GET /metrics) or org.apache.zookeeper.metrics.impl.DefaultMetricsProvider"
        },
        {
            // A case slip is another class to Java's class loader.
            "dataDir=/d\n\nmetricsProvider.className=org.apache.zookeeper.metrics.prometheus.prometheusMetricsProvider",
            "conf/zoo.cfg:3: metricsProvider.className: 'org.apache.zookeeper.metrics.prometheus.prometheusMetricsProvider' is not a metrics provider CoordAspire has; "
            + $"use {Prometheus} (GET /metrics) or org.apache.zookeeper.metrics.impl.DefaultMetricsProvider"
        },
        { "dataDir=/d\nmetricsProvider.className=", "conf/zoo.cfg:2: metricsProvider.className: value is empty" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpPort=seven", "conf/zoo.cfg:3: metricsProvider.httpPort: 'seven' is not a number" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpPort=70000", "conf/zoo.cfg:3: metricsProvider.httpPort: port 70000 is out of range (1-65535)" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpPort=0", "conf/zoo.cfg:3: metricsProvider.httpPort: port 0 is out of range (1-65535)" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.exportJvmInfo=yes", "conf/zoo.cfg:3: metricsProvider.exportJvmInfo: 'yes' is not a boolean; choose 'true' or 'false'" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpHost=a b", "conf/zoo.cfg:3: metricsProvider.httpHost: 'a b' is not a host name or IP address" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpsPort=7443", "conf/zoo.cfg:3: metricsProvider.httpsPort: TLS for the metrics endpoint (ZooKeeper 3.9) is not supported by CoordAspire" },
        { $"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.ssl.keyStore.location=/k", "conf/zoo.cfg:3: metricsProvider.ssl.keyStore.location: TLS for the metrics endpoint (ZooKeeper 3.9) is not supported by CoordAspire" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Bad_metrics_provider_settings_are_refused_with_their_line(string text, string message)
    {
        Assert.Equal(message, Refused(text).Message);
    }

    [Fact]
    public void Settings_the_provider_does_not_know_or_does_not_use_are_warned_about()
    {
        var prometheus = Parse($"dataDir=/d\nmetricsProvider.className={Prometheus}\nmetricsProvider.httpPorts=7001");
        var other = Parse("dataDir=/d\nmetricsProvider.httpPort=7001");

        Assert.Equal(["conf/zoo.cfg:3: metricsProvider.httpPorts is not a setting of PrometheusMetricsProvider; ignored"], prometheus.Warnings);
        Assert.Equal(7000, prometheus.MetricsProvider.HttpPort);
        Assert.Equal(
            ["conf/zoo.cfg:2: metricsProvider.httpPort has no effect: metricsProvider.className is org.apache.zookeeper.metrics.impl.DefaultMetricsProvider"],
            other.Warnings);
    }

    [Fact]
    public void The_ZooKeeper_images_ZOO_CFG_EXTRA_turns_the_endpoint_on()
    {
        // The official image's documented way: ZOO_CFG_EXTRA="metricsProvider.className=… metricsProvider.httpPort=7070".
        var text = ZooEnvironment.Compose(name => name switch
        {
            "ZOO_DATA_DIR" => DataDir,
            "ZOO_CFG_EXTRA" => $"metricsProvider.className={Prometheus} metricsProvider.httpPort=7070",
            _ => null,
        });
        var config = Parse(text);

        Assert.True(config.MetricsProvider.IsPrometheus);
        Assert.Equal(7070, config.MetricsProvider.HttpPort);
    }
}
