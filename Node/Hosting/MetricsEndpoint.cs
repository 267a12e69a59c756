using System.Net;
using System.Text;
using CoordAspire.Configuration;
using CoordAspire.Node.Telemetry.Prometheus;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CoordAspire.Node.Hosting;

/// <summary>
/// The HTTP server of <c>metricsProvider.className=…PrometheusMetricsProvider</c>: <c>GET /metrics</c> on
/// <c>metricsProvider.httpHost:httpPort</c> (all interfaces, 7000), a listener of its own as ZooKeeper runs a Jetty
/// of its own for it, so that <c>admin.enableServer=false</c> or a taken AdminServer port leaves it be.
/// <para>
/// ZooKeeper fails start-up when the port is taken (<c>PrometheusMetricsProvider.start</c> throws
/// <c>MetricsProviderLifeCycleException</c>, and <c>QuorumPeerMain</c> gives up). We log a warning and serve clients
/// without it, as we (and ZooKeeper) do for the AdminServer: a coordination service must not stay down for want of
/// its figures, and the many nodes a test suite runs on one machine would all want port 7000.
/// </para>
/// It starts before the node (as <c>QuorumPeerMain</c> starts the provider before the peer), so that the summaries see
/// the first election, and answers without the server's gauges until the node serves.
/// Only GET and HEAD are answered (ZooKeeper's servlet refuses TRACE; we refuse every other method), and only on
/// <c>/metrics</c>.
/// </summary>
internal sealed class MetricsEndpoint(ZooConfig config, NodeServer node, IServiceProvider services, ILoggerFactory loggerFactory, TimeProvider time)
    : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<MetricsEndpoint>();
    private PrometheusMetricsProvider? _provider;
    private KestrelServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = config.MetricsProvider;
        if (!settings.IsPrometheus)
        {
            return;
        }

        var endPoint = ListenAddress.Resolve(settings.HttpHost, settings.HttpPort);
        var provider = new PrometheusMetricsProvider(settings.ExportJvmInfo, node.MonitorValuesAsync, time);
        var options = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        options.Listen(endPoint);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        var server = new KestrelServer(Options.Create(options), transport, loggerFactory);
        try
        {
            await server.StartAsync(new Application(provider, _logger), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel's "Failed to bind to address …: address already in use" (AddressInUseException), or the like.
            Log.MetricsEndpointFailed(_logger, endPoint, e.Message.TrimEnd('.'));
            server.Dispose();
            provider.Dispose();
            return;
        }

        _server = server;
        _provider = provider;
        Log.MetricsEndpointStarted(_logger, endPoint, settings.ExportJvmInfo);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _provider?.Dispose();
    }

    /// <summary>The one route, without the routing middleware a single path does not need.</summary>
    private sealed class Application(PrometheusMetricsProvider provider, ILogger logger) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public async Task ProcessRequestAsync(HttpContext context)
        {
            var request = context.Request;
            var response = context.Response;
            if (request.Path != "/metrics")
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                response.Headers.Allow = "GET, HEAD";
                return;
            }

            string text;
            try
            {
                text = await provider.ScrapeAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The node is stopping: its loop no longer answers.
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.MetricsScrapeFailed(logger, e);
                response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            var body = Encoding.UTF8.GetBytes(text);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = PrometheusTextWriter.ContentType;
            response.ContentLength = body.Length;
            if (!HttpMethods.IsHead(request.Method))
            {
                await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            }
        }

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
