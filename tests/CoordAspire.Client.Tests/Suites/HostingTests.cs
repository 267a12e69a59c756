using CoordAspire.Client.Hosting;
using CoordAspire.Protocol;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CoordAspire.Client.Tests;

/// <summary>The Aspire client integration in a real host: configuration in, a connected client and its health out.</summary>
public abstract class HostingTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task AddCoordClient_registers_a_client_from_the_connection_string_and_reports_its_health()
    {
        await using var host = BuildHost(new()
        {
            ["ConnectionStrings:coord"] = ConnectString,
            ["CoordAspire:Client:coord:SessionTimeout"] = "00:00:05",
            ["CoordAspire:Client:coord:WaitForConnectionOnStart"] = "true",
        });
        await host.StartAsync();

        var client = host.Services.GetRequiredService<ZooKeeperClient>();
        Assert.Equal(ConnectionState.Connected, client.State);
        // The session timeout came from the named configuration section (and the server granted it).
        Assert.Equal(TimeSpan.FromSeconds(5), client.SessionTimeout);
        Assert.Equal(P("from-host"), await client.CreateAsync(P("from-host"), Bytes("x")));

        var report = await CheckHealthAsync(host);
        var entry = Assert.Single(report.Entries);
        Assert.Equal("CoordAspire.Client_coord", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);

        // Stopping the host closes the session: its ephemerals go at once, and the client is done for good.
        await client.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        await host.StopAsync();
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Null(await Client.ExistsAsync(P("eph")));
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync(host)).Status);
    }

    [Fact]
    public async Task A_dropped_connection_is_degraded_until_the_client_reconnects()
    {
        await using var host = BuildHost(new()
        {
            ["ConnectionStrings:coord"] = Server.SingleServerConnectString,
            ["CoordAspire:Client:ReconnectDelay"] = "00:00:01.500",
            ["CoordAspire:Client:ReconnectJitter"] = "00:00:00",
        });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ZooKeeperClient>();
        await client.WaitUntilConnectedAsync().WaitAsync(Timeout);

        client.DropConnection();
        await WaitForStateAsync(client, ConnectionState.Disconnected);
        Assert.Equal(HealthStatus.Degraded, (await CheckHealthAsync(host)).Status);
        await WaitForStateAsync(client, ConnectionState.Connected);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(host)).Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task Endpoint_uris_with_a_chroot_and_keyed_clients_are_understood()
    {
        string port = ConnectString[(ConnectString.LastIndexOf(':') + 1)..];
        await using var host = BuildHost(new()
        {
            ["ConnectionStrings:rooted"] = $"tcp://127.0.0.1:{port}{Root}",
            ["ConnectionStrings:plain"] = $"tcp://localhost:{port}/",
        }, builder => builder.AddKeyedCoordClient("rooted").AddKeyedCoordClient("plain", s => s.DisableHealthChecks = true));
        await host.StartAsync();

        var rooted = host.Services.GetRequiredKeyedService<ZooKeeperClient>("rooted");
        var plain = host.Services.GetRequiredKeyedService<ZooKeeperClient>("plain");
        Assert.NotSame(rooted, plain);
        Assert.Equal(Root, rooted.ChrootPath);
        Assert.Null(plain.ChrootPath);
        await rooted.CreateAsync("/inside", Bytes("1"));
        Assert.Equal("1", Text((await plain.GetDataAsync(P("inside"))).Data));

        var report = await CheckHealthAsync(host);
        Assert.Equal(["CoordAspire.Client_rooted"], report.Entries.Keys);
        await host.StopAsync();
    }

    [Fact]
    public void A_missing_connection_string_is_reported_at_registration()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddCoordClient("coord"));
        Assert.Contains("ConnectionStrings:coord", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_names_are_the_clients()
    {
        Assert.Equal(CoordClientExtensions.ActivitySourceName, ClientTelemetry.ActivitySource.Name);
        Assert.Equal(CoordClientExtensions.MeterName, ClientTelemetry.Meter.Name);
    }

    private static HostWrapper BuildHost(Dictionary<string, string?> configuration, Action<HostApplicationBuilder>? register = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        if (register is null)
        {
            builder.AddCoordClient("coord");
        }
        else
        {
            register(builder);
        }

        return new HostWrapper(builder.Build());
    }

    private static Task<HealthReport> CheckHealthAsync(HostWrapper host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    /// <summary>An IHost disposed asynchronously, as the client (IAsyncDisposable) prefers.</summary>
    private sealed class HostWrapper(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public Task StartAsync() => host.StartAsync();

        public Task StopAsync() => host.StopAsync();

        public ValueTask DisposeAsync() => ((IAsyncDisposable)host).DisposeAsync();
    }
}
