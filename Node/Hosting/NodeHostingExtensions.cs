using CoordAspire.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Hosting;

/// <summary>What <c>Program.cs</c> registers: the server, its health check, its AdminServer and its metrics endpoint.</summary>
internal static class NodeHostingExtensions
{
    public static WebApplicationBuilder AddCoordNode(this WebApplicationBuilder builder, ZooConfig config)
    {
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeServer>();

        // Before the node, as ZooKeeper starts its metrics provider before its server: the first election is counted
        // (looking_count). Until the node serves, /metrics has only the summaries. A no-op unless metricsProvider.className asks.
        builder.Services.AddHostedService<MetricsEndpoint>();
        builder.Services.AddHostedService<NodeHostedService>();

        builder.Services.AddHealthChecks().AddCheck<NodeHealthCheck>(NodeHealthCheck.Name, HealthStatus.Unhealthy);

        // Kestrel listens where zoo.cfg says, never on ASPNETCORE_URLS' or its own defaults (localhost:5000).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(AdminServer.EndPointFor(config)));
        var kestrel = builder.Services.Last(d => d.ServiceType == typeof(IServer));
        builder.Services.Remove(kestrel);
        builder.Services.AddSingleton<IServer>(services => new AdminServer(
            (IServer)ActivatorUtilities.CreateInstance(services, kestrel.ImplementationType!),
            config,
            services.GetRequiredService<ILogger<AdminServer>>()));
        return builder;
    }
}
