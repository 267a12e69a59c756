using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// The node image started wrongly, as an operator might: each start fails at once with a message that says what to
/// fix, instead of a server that runs with the wrong identity or cannot keep what it acknowledges. Each container has
/// no network at all (<c>--network none</c>).
/// </summary>
[Collection(ComposeEnsembleCollection.Name)]
public sealed class NodeImageTests(ComposeEnsembleFixture deployment)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private const string ThreeServers = "server.1=node1:2888:3888;2181 server.2=node2:2888:3888;2181 server.3=node3:2888:3888;2181";

    [Fact]
    public async Task A_member_of_an_ensemble_started_without_ZOO_MY_ID_fails_naming_it()
    {
        var result = await RunNodeAsync(["-e", $"ZOO_SERVERS={ThreeServers}"]);
        Assert.True(result.ExitCode != 0, $"the node started without ZOO_MY_ID: {result}");
        Assert.Contains("ZOO_MY_ID", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_on_a_read_only_volume_fails_naming_its_data_directory()
    {
        var volume = "coorddeploytest-readonly-" + Guid.NewGuid().ToString("N")[..8];
        await Podman.RunAsync("volume", "create", volume);
        try
        {
            var result = await RunNodeAsync(["-e", "ZOO_MY_ID=1", "-v", $"{volume}:/data:ro"]);
            Assert.True(result.ExitCode != 0, $"the node started on a read-only volume: {result}");
            Assert.Contains("/data", result.Stdout + result.Stderr, StringComparison.Ordinal);
            Assert.Matches("(?i)read-only|not writable|permission", result.Stdout + result.Stderr);
        }
        finally
        {
            await Podman.TryAsync("volume", "rm", "-f", volume);
        }
    }

    private async Task<ProcessResult> RunNodeAsync(string[] options)
    {
        var name = "coorddeploytest-misconfigured-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            return await Podman.RunAsync("podman",
                ["run", "--rm", "--name", name, "--network", "none", .. options, DeployRequirements.NodeImage(deployment.Deployment)],
                StartTimeout);
        }
        finally
        {
            await Podman.TryAsync("rm", "-f", "-t", "0", name);
        }
    }
}
