using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire template's service defaults: OpenTelemetry (logs, metrics, traces; OTLP export when the AppHost or the
/// environment gives an endpoint), health checks, service discovery and resilience for HttpClient. Every CoordAspire
/// process calls <see cref="AddServiceDefaults{TBuilder}"/>; the Node also maps <see cref="MapDefaultEndpoints"/> on
/// its admin port.
/// </summary>
public static class Extensions
{
    /// <summary>Every check: for the Node, "is this server in a quorum and serving clients".</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Only the checks tagged <c>live</c>: "is the process responsive" (a restart would help if not).</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// CoordAspire's ActivitySources and Meters: <c>CoordAspire.Node</c> (the server edge and, per area, its parts) and
    /// <c>CoordAspire.Client</c> (the client library's request spans). A wildcard, so a new area needs no change here.
    /// </summary>
    public const string TelemetryNames = "CoordAspire.*";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Turn on resilience by default
            http.AddStandardResilienceHandler();

            // Turn on service discovery by default
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Unlike the template, nothing is collected unless it is exported: an OpenTelemetry tracer provider samples
        // every span of its sources even with no exporter, and a span per proposal (with its ACK events) nobody reads
        // was a sixth of a busy leader's allocations and cost a sixth of its throughput (docs/performance.md).
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TelemetryNames)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddSource(TelemetryNames)
                    .AddAspNetCoreInstrumentation(tracing =>
                        // Exclude health check requests from tracing: the AppHost polls them every few seconds.
                        tracing.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                    )
                    .AddHttpClientInstrumentation();
            });

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Set by the AppHost (the dashboard's OTLP endpoint) or by hand (ConfigureOpenTelemetry checked it).
        builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            // Add a default liveness check to ensure app is responsive
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> and <c>/alive</c>. Unlike the template, in every environment and not only in Development:
    /// a coordination server's health is what its orchestrator (the AppHost, Azure Container Apps' probes, Kubernetes)
    /// routes and restarts by, as ZooKeeper's AdminServer answers <c>ruok</c> in production. The answers carry the
    /// status word only, no details; an operator who wants no HTTP at all sets <c>admin.enableServer=false</c>.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // All health checks must pass for app to be considered ready to accept traffic after starting
        app.MapHealthChecks(HealthEndpointPath);

        // Only health checks tagged with the "live" tag must pass for app to be considered alive
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live")
        });

        return app;
    }
}
