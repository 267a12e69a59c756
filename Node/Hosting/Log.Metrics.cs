using System.Net;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Hosting;

/// <summary>The Prometheus endpoint's messages (event ids 70 to 79).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Started /metrics HTTP endpoint (PrometheusMetricsProvider) on {EndPoint}, exportJvmInfo: {ExportJvmInfo}")]
    public static partial void MetricsEndpointStarted(ILogger logger, IPEndPoint endPoint, bool exportJvmInfo);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Cannot start /metrics server on {EndPoint}: {Reason}; the node runs without it (set metricsProvider.httpPort)")]
    public static partial void MetricsEndpointFailed(ILogger logger, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "A /metrics scrape failed")]
    public static partial void MetricsScrapeFailed(ILogger logger, Exception exception);
}
