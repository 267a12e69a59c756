using CoordAspire.Node.Configuration;
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
        builder.Services.AddHostedService<NodeHostedService>();

        // After the node, so that a first scrape finds it started; a no-op unless metricsProvider.className asks.
        builder.Services.AddHostedService<MetricsEndpoint>();

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
