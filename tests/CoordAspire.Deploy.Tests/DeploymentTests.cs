using System.Diagnostics;
using Xunit.Abstractions;

namespace CoordAspire.Deploy.Tests;

/// <summary>What the compose deployment is once up: an ensemble, the sample working against it, the dashboard.</summary>
[Collection(ComposeEnsembleCollection.Name)]
public sealed class DeploymentTests(ComposeEnsembleFixture deployment, ITestOutputHelper output)
{
    [Fact]
    public async Task One_node_leads_and_the_other_two_follow()
    {
        var leader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"compose up to a leader ({leader}): {deployment.TimeToFirstLeader.TotalSeconds:F1} s");
        foreach (var node in ComposeDeployment.Nodes)
        {
            var srvr = await deployment.FourLetterWordAsync(node, "srvr");
            Assert.Contains(node == leader ? "Mode: leader" : "Mode: follower", srvr, StringComparison.Ordinal);

            // Each server in its own network namespace, with its own address.
            Assert.NotNull(await deployment.Deployment.AddressAsync(node));
        }

        var addresses = await Task.WhenAll(ComposeDeployment.Nodes.Select(deployment.Deployment.AddressAsync));
        Assert.Equal(3, addresses.Distinct().Count());
    }

    [Fact]
    public async Task Every_node_reports_healthy_to_the_container_runtime()
    {
        await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        foreach (var node in ComposeDeployment.Nodes)
        {
            var container = await deployment.Deployment.ContainerAsync(node);
            var check = await Podman.TryAsync("healthcheck", "run", container);
            Assert.True(check.ExitCode == 0, $"{node}'s health check failed: {check}");
            var status = await Podman.RunAsync("exec", container, "/app/CoordAspire.Node", "status");
            Assert.Contains("Mode: ", status, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_sample_works_against_the_ensemble()
    {
        var container = await deployment.Deployment.ContainerAsync("sample");
        var waited = Stopwatch.StartNew();
        string log;
        while (!(log = await Podman.LogsAsync(container)).Contains("the shared counter is now", StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"the sample never bumped the shared counter:\n{log}");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task The_dashboard_serves_its_page_and_holds_every_nodes_logs()
    {
        var address = await deployment.Deployment.AddressAsync("dashboard");
        Assert.NotNull(address);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var page = await http.GetAsync($"http://{address}:18888/");
                Assert.True(page.IsSuccessStatusCode, $"the dashboard answered {(int)page.StatusCode}");
                break;
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(500);
            }
        }

        // The nodes export over OTLP to dashboard:18889; their logs must be there, by service name, through the
        // dashboard's telemetry API (unsecured, like its UI, on the deployment's internal network).
        foreach (var node in ComposeDeployment.Nodes)
        {
            string body = "";
            while (!body.Contains("resourceLogs", StringComparison.Ordinal) || !body.Contains("logRecords", StringComparison.Ordinal))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"the dashboard has no logs of {node}: {body}");
                await Task.Delay(500);
                using var logs = await http.GetAsync($"http://{address}:18888/api/telemetry/logs?resource={node}&limit=5");
                body = await logs.Content.ReadAsStringAsync();
            }

            output.WriteLine($"the dashboard has {node}'s logs");
        }
    }
}
