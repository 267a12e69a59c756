using CoordAspire.Client;
using CoordAspire.Client.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire client integration: registers a <see cref="ZooKeeperClient"/> for a CoordAspire (or Apache ZooKeeper)
/// resource the AppHost referenced, with a health check, as Aspire's own integrations do (<c>AddNpgsqlDataSource</c>).
/// </summary>
/// <remarks>
/// <para>The client is a singleton created on first use, or at the latest when the host starts; it connects in the
/// background (<see cref="ZooKeeperClient.Create"/>), and requests made before the first session wait for it. Set
/// <see cref="CoordClientSettings.WaitForConnectionOnStart"/> to hold the host's start until it is connected. When the
/// host stops, the session is closed, so its ephemeral znodes go at once.</para>
/// <para>Telemetry without an OpenTelemetry dependency: add <see cref="ActivitySourceName"/> and <see cref="MeterName"/>
/// to the tracer and meter providers (ServiceDefaults does).</para>
/// </remarks>
public static class CoordClientExtensions
{
    /// <summary>The configuration section the settings are read from (then its <c>:{connectionName}</c> subsection).</summary>
    public const string DefaultConfigSectionName = "CoordAspire:Client";

    /// <summary>The client's <see cref="System.Diagnostics.ActivitySource"/>: a span per request.</summary>
    public const string ActivitySourceName = ClientTelemetry.Name;

    /// <summary>The client's <see cref="System.Diagnostics.Metrics.Meter"/>: request duration, requests in flight.</summary>
    public const string MeterName = ClientTelemetry.Name;

    /// <summary>
    /// Registers a singleton <see cref="ZooKeeperClient"/> connected to the servers of the connection string
    /// <c>ConnectionStrings:{connectionName}</c> (what the AppHost's <c>WithReference</c> sets), with settings from
    /// <c>CoordAspire:Client:{connectionName}</c>, and a health check named <c>CoordAspire.Client_{connectionName}</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCoordClient(
        this IHostApplicationBuilder builder, string connectionName, Action<CoordClientSettings>? configureSettings = null) =>
        AddCoordClient(builder, connectionName, configureSettings, serviceKey: null);

    /// <summary>As <see cref="AddCoordClient"/>, keyed by <paramref name="name"/> (<c>[FromKeyedServices("name")]</c>),
    /// for an app that talks to more than one ensemble.</summary>
    public static IHostApplicationBuilder AddKeyedCoordClient(
        this IHostApplicationBuilder builder, string name, Action<CoordClientSettings>? configureSettings = null) =>
        AddCoordClient(builder, name, configureSettings, serviceKey: name);

    /// <summary>Reads the settings as <see cref="AddCoordClient"/> does: sections, then connection string, then the delegate.</summary>
    public static CoordClientSettings ReadSettings(IConfiguration configuration, string connectionName, Action<CoordClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var settings = new CoordClientSettings();
        foreach (var section in new[] { configuration.GetSection(DefaultConfigSectionName), configuration.GetSection($"{DefaultConfigSectionName}:{connectionName}") })
        {
            section.Bind(settings);
            section.Bind(settings.Options);
        }

        if (configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        return settings;
    }

    private static IHostApplicationBuilder AddCoordClient(
        IHostApplicationBuilder builder, string connectionName, Action<CoordClientSettings>? configureSettings, string? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ReadSettings(builder.Configuration, connectionName, configureSettings);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"The CoordAspire client '{connectionName}' has no connection string: set 'ConnectionStrings:{connectionName}' " +
                $"(the AppHost's WithReference does) or '{DefaultConfigSectionName}:{connectionName}:ConnectionString'.");
        }

        string connectString = CoordConnectionString.Normalize(settings.ConnectionString);
        ZooKeeperClient Create(IServiceProvider services)
        {
            settings.Options.LoggerFactory ??= services.GetService<ILoggerFactory>();
            return ZooKeeperClient.Create(connectString, settings.Options);
        }

        Func<IServiceProvider, ZooKeeperClient> resolve;
        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
            resolve = services => services.GetRequiredService<ZooKeeperClient>();
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (services, _) => Create(services));
            resolve = services => services.GetRequiredKeyedService<ZooKeeperClient>(serviceKey);
        }

        // Not AddHostedService: it adds one service per type, and an app may register several clients.
        builder.Services.AddSingleton<IHostedService>(services => new CoordClientLifetime(() => resolve(services), settings));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"CoordAspire.Client_{connectionName}",
                services => new CoordClientHealthCheck(resolve(services)),
                failureStatus: default,
                tags: default,
                timeout: settings.HealthCheckTimeout));
        }

        return builder;
    }
}
