using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// <c>metricsProvider.className</c> and the <c>metricsProvider.*</c> keys that ZooKeeper hands, without the prefix, to
/// the provider's <c>configure</c> (<c>MetricsProviderBootstrap.startMetricsProvider</c>). ZooKeeper fails at start-up
/// on a class it cannot load and on a port that is not a number (<c>Integer.parseInt</c> in <c>configure</c>); we
/// refuse both while reading the file, naming the line. Where ZooKeeper is lax (<c>Boolean.parseBoolean</c> takes
/// "yes" as false) we are strict, as everywhere in the parser.
/// </summary>
public sealed partial class ZooConfigParser
{
    private const string MetricsProviderPrefix = "metricsProvider.";

    private readonly List<ConfigEntry> metricsProviderEntries = [];
    private MetricsProviderConfig metricsProvider = new();

    private static readonly FrozenSet<string> KnownProviders = FrozenSet.Create(
        StringComparer.Ordinal,
        MetricsProviderConfig.DefaultProvider,
        MetricsProviderConfig.NullProvider,
        MetricsProviderConfig.PrometheusProvider);

    private void ParseMetricsProvider()
    {
        var className = metricsProviderEntries.Find(e => e.Key == MetricsProviderPrefix + "className");
        var name = className?.ToNonEmpty() ?? MetricsProviderConfig.DefaultProvider;
        if (!KnownProviders.Contains(name))
        {
            throw className!.Error(
                $"metricsProvider.className: '{name}' is not a metrics provider CoordAspire has; "
                + $"use {MetricsProviderConfig.PrometheusProvider} (GET /metrics) or {MetricsProviderConfig.DefaultProvider}");
        }

        var settings = metricsProviderEntries.Where(e => e != className).ToList();
        var config = new MetricsProviderConfig
        {
            ClassName = name,
            Properties = settings.ToFrozenDictionary(e => e.Key[MetricsProviderPrefix.Length..], e => e.Value, StringComparer.Ordinal),
        };

        if (!config.IsPrometheus)
        {
            // ZooKeeper hands them to a provider that ignores them; say so, since the operator clearly expected something.
            foreach (var entry in settings)
            {
                warnings.Add($"{entry.Location}: {entry.Key} has no effect: metricsProvider.className is {name}");
            }

            metricsProvider = config;
            return;
        }

        foreach (var entry in settings)
        {
            switch (entry.Key[MetricsProviderPrefix.Length..])
            {
                case "httpHost":
                    config = config with { HttpHost = entry.ToHost(entry.Value) };
                    break;
                case "httpPort":
                    config = config with { HttpPort = entry.ToPort(allowZero: false) };
                    break;
                case "exportJvmInfo":
                    config = config with { ExportJvmInfo = entry.ToBoolean() };
                    break;
                case "numWorkerThreads":
                case "maxQueueSize":
                case "prometheusMetricsSummaryRotateIntervalSeconds":
                    // Tuning of the Java client's summary workers, which we do not have; checked, then unused.
                    entry.ToInt32();
                    break;
                case "workerShutdownTimeoutMs":
                    entry.ToInt64();
                    break;
                case "httpsPort":
                case var key when key.StartsWith("ssl.", StringComparison.Ordinal):
                    // Fail closed: serving the figures in the clear when TLS was asked for would be a silent downgrade.
                    throw entry.Error($"{entry.Key}: TLS for the metrics endpoint (ZooKeeper 3.9) is not supported by CoordAspire");
                default:
                    warnings.Add($"{entry.Location}: {entry.Key} is not a setting of PrometheusMetricsProvider; ignored");
                    break;
            }
        }

        metricsProvider = config;
    }
}
