using CoordAspire.AppHost.Tests.Telemetry;
using CoordAspire.Client;
using Microsoft.Extensions.DependencyInjection;

// One AppHost at a time: each starts five processes, and the machine (like CI's) has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace CoordAspire.AppHost.Tests;

/// <summary>
/// The real AppHost (<c>AppHost.cs</c>, unchanged) under <see cref="DistributedApplicationTestingBuilder"/>: three
/// nodes and the SampleClient as real processes, with data directories in a temp folder of their own and telemetry
/// exported over OTLP to an <see cref="OtlpReceiver"/> in place of the dashboard. One per test class: starting an
/// ensemble costs seconds that a test of one behaviour should not pay again.
/// </summary>
public sealed class EnsembleFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static readonly IReadOnlyList<string> Nodes = ["node1", "node2", "node3"];

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("coordaspire-apphost-").FullName;

    public DistributedApplication App { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; private set; } = null!;

    public ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    public async Task InitializeAsync()
    {
        Telemetry = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CoordAspire_AppHost>(
            [$"--{CoordEnsembleBuilderExtensions.DataDirectoryKey}={_dataDirectory}"]);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // After Aspire's own OTLP settings (the dashboard's, absent here), so these win.
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200")
                .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "200")
                .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        }

        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        foreach (var node in Nodes)
        {
            await Notifications.WaitForResourceHealthyAsync(node, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A node's last write racing its kill: the temp folder is the system's to clean then.
        }
    }

    /// <summary>The node's client endpoint as <c>127.0.0.1:port</c>.</summary>
    public string ClientEndPoint(string node) => $"127.0.0.1:{App.GetEndpoint(node, CoordEnsembleResource.ClientEndpointName).Port}";

    /// <summary>A session with exactly these nodes to choose from.</summary>
    public Task<ZooKeeperClient> ConnectAsync(params string[] nodes) =>
        ZooKeeperClient.ConnectAsync(string.Join(',', nodes.Select(ClientEndPoint)));

    /// <summary>The node's <c>Mode:</c> as <c>srvr</c> reports it, or "down".</summary>
    public async Task<string> ModeAsync(string node)
    {
        try
        {
            var port = App.GetEndpoint(node, CoordEnsembleResource.ClientEndpointName).Port;
            return FourLetterWord.Mode(await FourLetterWord.AskAsync("127.0.0.1", port, "srvr", CancellationToken.None)) ?? "no answer";
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return "down";
        }
    }

    /// <summary>Polls until exactly one of <paramref name="nodes"/> says it leads, and returns it.</summary>
    public async Task<string> WaitForLeaderAsync(IEnumerable<string> nodes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string modes = "";
        while (DateTime.UtcNow < deadline)
        {
            var answers = await Task.WhenAll(nodes.Select(async n => (Node: n, Mode: await ModeAsync(n))));
            var leaders = answers.Where(a => a.Mode == "leader").ToList();
            if (leaders.Count == 1)
            {
                return leaders[0].Node;
            }

            modes = string.Join(", ", answers.Select(a => $"{a.Node}: {a.Mode}"));
            await Task.Delay(250);
        }

        throw new TimeoutException($"no single leader within {timeout} ({modes})");
    }

    /// <summary>Waits until the dashboard shows <paramref name="node"/>'s role (its <c>coord.role</c> property) as <paramref name="role"/>.</summary>
    public async Task<ResourceEvent> WaitForRoleAsync(string node, string role, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await Notifications.WaitForResourceAsync(node, e => Property(e, "coord.role") == role, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            var shown = Notifications.TryGetCurrentState(node, out var e) ? Property(e, "coord.role") : null;
            throw new TimeoutException($"{node}'s role was not shown as {role} within {timeout} (shown: {shown ?? "nothing"})");
        }
    }

    public static string? Property(ResourceEvent e, string name) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value as string;

    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resource, string command) =>
        App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(
            App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource), command);
}
