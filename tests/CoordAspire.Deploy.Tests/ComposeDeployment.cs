using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// The committed <c>deploy/compose/</c> deployment (what the AppHost publishes), brought up and down with
/// podman-compose under a project name of its own, so it never touches anyone else's containers. The host reaches
/// each container at its address on the deployment's internal network: nothing is published on the host's ports and
/// nothing routes off the machine.
/// </summary>
public sealed class ComposeDeployment
{
    /// <summary>The compose project; its containers carry <c>io.podman.compose.project=</c> this.</summary>
    public const string Project = "coorddeploytest";

    public const string Network = "coord";

    public static readonly string[] Nodes = ["node1", "node2", "node3"];

    private static readonly TimeSpan ComposeTimeout = TimeSpan.FromMinutes(3);

    public ComposeDeployment(string composeDirectory) => ComposeDirectory = composeDirectory;

    /// <summary>The folder that holds docker-compose.yaml and its .env.</summary>
    public string ComposeDirectory { get; }

    /// <summary>The podman network the compose project made for <see cref="Network"/>.</summary>
    public string NetworkName => $"{Project}_{Network}";

    /// <summary>The repository's deployment: deploy/compose under the repository root found above the test binaries.</summary>
    public static ComposeDeployment FromRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CoordAspire.sln")))
            {
                return new ComposeDeployment(Path.Combine(dir.FullName, "deploy", "compose"));
            }
        }

        throw new InvalidOperationException("the repository root (CoordAspire.sln) is not above " + AppContext.BaseDirectory);
    }

    public Task<ProcessResult> ComposeAsync(params string[] args) =>
        Podman.RunAsync("podman-compose", ["-p", Project, "-f", "docker-compose.yaml", "-f", TestOverrides, .. args], ComposeTimeout, ComposeDirectory);

    /// <summary>What the tests lay over the published file (compose.test.yaml beside the test binaries: see its comment).</summary>
    private static string TestOverrides => Path.Combine(AppContext.BaseDirectory, "compose.test.yaml");

    /// <summary><c>up -d</c>: creates what is missing and starts every service.</summary>
    public async Task UpAsync()
    {
        var result = await ComposeAsync("up", "-d");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman-compose up failed: {result}");
        }
    }

    /// <summary>
    /// <c>down</c> (with <c>-v</c>: the volumes too), then the network, which podman-compose 1.0.3 leaves behind.
    /// Never throws: it is also the clean-up after a failed run.
    /// </summary>
    public async Task DownAsync(bool removeVolumes)
    {
        await ComposeAsync(removeVolumes ? ["down", "-v"] : ["down"]);
        await RemoveLeftoversAsync(removeVolumes);
    }

    /// <summary>Whatever a crashed earlier run may have left: containers, the network, and (if asked) volumes.</summary>
    public async Task RemoveLeftoversAsync(bool volumes)
    {
        var label = $"label=io.podman.compose.project={Project}";
        var containers = ProcessResult.SplitLines((await Podman.TryAsync("ps", "-aq", "--filter", label)).Stdout);
        if (containers.Count > 0)
        {
            await Podman.TryAsync(["rm", "-f", "-t", "0", .. containers]);
        }

        await Podman.TryAsync("network", "rm", "-f", NetworkName);
        if (volumes)
        {
            var names = ProcessResult.SplitLines((await Podman.TryAsync("volume", "ls", "-q", "--filter", label)).Stdout);
            if (names.Count > 0)
            {
                await Podman.TryAsync(["volume", "rm", "-f", .. names]);
            }
        }
    }

    /// <summary>The container that runs <paramref name="service"/> (found by compose's labels, not by its name's shape).</summary>
    public async Task<string> ContainerAsync(string service)
    {
        var names = ProcessResult.SplitLines(await Podman.RunAsync("ps", "-a", "--format", "{{.Names}}",
            "--filter", $"label=io.podman.compose.project={Project}", "--filter", $"label=com.docker.compose.service={service}"));
        return names.Count == 1
            ? names[0]
            : throw new InvalidOperationException($"expected one container for service {service}, found {names.Count}: {string.Join(", ", names)}");
    }

    /// <summary>The service's current address on the deployment's network, or null while it has none (stopped, disconnected).</summary>
    public async Task<string?> AddressAsync(string service)
    {
        var addresses = await Podman.AddressesAsync(await ContainerAsync(service));
        return addresses.TryGetValue(NetworkName, out var address) ? address : null;
    }
}
