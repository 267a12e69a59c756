using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// The <c>metricsProvider.*</c> keys of zoo.cfg (ZooKeeper 3.6+'s <c>QuorumPeerConfig.metricsProviderClassName</c> and
/// <c>metricsProviderConfiguration</c>). ZooKeeper loads the named class; CoordAspire knows the three that ship with
/// ZooKeeper 3.8 and refuses any other name at start-up, as ZooKeeper does when the class is not on its classpath.
/// Only the Prometheus provider has settings of its own (<c>PrometheusMetricsProvider.configure</c>), with its
/// defaults: all interfaces, port 7000, JVM (for us: .NET runtime and process) figures exported.
/// </summary>
public sealed record MetricsProviderConfig
{
    /// <summary>The default: figures for <c>mntr</c> and the AdminServer only, no endpoint of its own.</summary>
    public const string DefaultProvider = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider";

    /// <summary>Accepted as ZooKeeper accepts it; CoordAspire keeps its figures for <c>mntr</c> all the same.</summary>
    public const string NullProvider = "org.apache.zookeeper.metrics.impl.NullMetricsProvider";

    /// <summary><c>GET /metrics</c> in Prometheus' text format on <see cref="HttpHost"/>:<see cref="HttpPort"/>.</summary>
    public const string PrometheusProvider = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

    /// <summary>The port <c>PrometheusMetricsProvider</c> listens on unless <c>metricsProvider.httpPort</c> says otherwise.</summary>
    public const int DefaultHttpPort = 7000;

    /// <summary><c>metricsProvider.className</c>.</summary>
    public string ClassName { get; init; } = DefaultProvider;

    /// <summary>True when the Prometheus endpoint runs.</summary>
    public bool IsPrometheus => ClassName == PrometheusProvider;

    /// <summary><c>metricsProvider.httpHost</c>: the address the endpoint binds (all interfaces by default).</summary>
    public string HttpHost { get; init; } = HostPort.AnyAddress;

    /// <summary><c>metricsProvider.httpPort</c>.</summary>
    public int HttpPort { get; init; } = DefaultHttpPort;

    /// <summary>
    /// <c>metricsProvider.exportJvmInfo</c>: ZooKeeper adds the Prometheus Java client's JVM and process collectors.
    /// A .NET process has no JVM; we export the process collector's <c>process_*</c> figures, which keep their
    /// names across Prometheus clients, and the .NET runtime's own (<c>dotnet_*</c>) in place of the <c>jvm_*</c> ones.
    /// </summary>
    public bool ExportJvmInfo { get; init; } = true;

    /// <summary>Every <c>metricsProvider.*</c> key but the class name, without the prefix, as the provider gets them.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = FrozenDictionary<string, string>.Empty;
}
