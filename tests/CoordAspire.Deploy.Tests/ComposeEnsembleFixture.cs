using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using CoordAspire.Client.Tests;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// The compose deployment brought up once for the whole test assembly: three node containers, the sample and the
/// dashboard. Clients on the host reach the nodes at their addresses on the internal network, which the fault tests
/// may change (a container reconnected to a network, or recreated, gets a new one): <see cref="RefreshAsync"/> reads
/// them again. Every test leaves the ensemble whole (three members serving) for the next.
/// </summary>
public sealed class ComposeEnsembleFixture : IZooKeeperServerFixture, IAsyncLifetime
{
    public const int ClientPort = 2181;

    public const string NodeImageVariable = "COORD_NODE_IMAGE";

    private static readonly TimeSpan EnsembleTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, string> _addresses = [];

    private TimeSpan _tick = TimeSpan.FromSeconds(2);

    public ComposeDeployment Deployment { get; } = ComposeDeployment.FromRepository();

    /// <summary>From the start of <c>up</c> until one node leads and the others follow it.</summary>
    public TimeSpan TimeToFirstLeader { get; private set; }

    public string Name => "CoordAspire in containers";

    public string ConnectString => string.Join(',', ComposeDeployment.Nodes.Select(Endpoint));

    public string SingleServerConnectString => Endpoint(ComposeDeployment.Nodes[0]);

    public string ConnectStringForTest(int seed) => Endpoint(ComposeDeployment.Nodes[seed % ComposeDeployment.Nodes.Length]);

    /// <summary>2 × tickTime, as every ZooKeeper server grants at least.</summary>
    public TimeSpan MinSessionTimeout => 2 * _tick;

    public Task<string> FourLetterWordAsync(string word) => FourLetterWordAsync(ComposeDeployment.Nodes[0], word);

    public string Endpoint(string node) =>
        _addresses.TryGetValue(node, out var address) ? $"{address}:{ClientPort}" : throw new InvalidOperationException($"{node} has no address");

    public Task<string> FourLetterWordAsync(string node, string word) =>
        ServerUnderTest.SendFourLetterWordAsync(_addresses[node], ClientPort, word);

    public async Task InitializeAsync()
    {
        await DeployRequirements.CheckAsync(Deployment);
        await Deployment.RemoveLeftoversAsync(volumes: true);
        var started = Stopwatch.StartNew();
        await Deployment.UpAsync();
        await WaitForEnsembleAsync(EnsembleTimeout);
        TimeToFirstLeader = started.Elapsed;
        var conf = await FourLetterWordAsync("conf");
        if (conf.Split('\n').FirstOrDefault(l => l.StartsWith("tickTime=", StringComparison.Ordinal)) is { } line)
        {
            _tick = TimeSpan.FromMilliseconds(int.Parse(line["tickTime=".Length..].Trim(), CultureInfo.InvariantCulture));
        }
    }

    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("COORD_KEEP_DEPLOYMENT") != "1")
        {
            await Deployment.DownAsync(removeVolumes: true);
        }
    }

    /// <summary>Reads every node's address on the deployment network again (absent while a node has none).</summary>
    public async Task RefreshAsync()
    {
        foreach (var node in ComposeDeployment.Nodes)
        {
            if (await Deployment.AddressAsync(node) is { } address)
            {
                _addresses[node] = address;
            }
            else
            {
                _addresses.Remove(node);
            }
        }
    }

    /// <summary>
    /// What the node says its <c>Mode</c> is (leader, follower, observer, standalone), or null when it cannot be
    /// reached or is not serving (ZooKeeper answers srvr with "not currently serving requests" then).
    /// </summary>
    public async Task<string?> ModeAsync(string node)
    {
        if (!_addresses.TryGetValue(node, out var address))
        {
            return null;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var srvr = await ServerUnderTest.SendFourLetterWordAsync(address, ClientPort, "srvr", timeout.Token);
            return srvr.Split('\n').FirstOrDefault(l => l.StartsWith("Mode: ", StringComparison.Ordinal))?["Mode: ".Length..].Trim();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Every node's mode, polled until exactly one leads and every other follows; returns the leader.</summary>
    public async Task<string> WaitForEnsembleAsync(TimeSpan timeout, IReadOnlyCollection<string>? members = null)
    {
        members ??= ComposeDeployment.Nodes;
        var deadline = Stopwatch.StartNew();
        var modes = new Dictionary<string, string?>();
        while (true)
        {
            await RefreshAsync();
            foreach (var node in members)
            {
                modes[node] = await ModeAsync(node);
            }

            var leaders = modes.Where(m => m.Value == "leader").Select(m => m.Key).ToList();
            if (leaders.Count == 1 && modes.Values.Count(m => m == "follower") == members.Count - 1)
            {
                return leaders[0];
            }

            if (deadline.Elapsed > timeout)
            {
                var states = string.Join(", ", modes.Select(m => $"{m.Key}: {m.Value ?? "not serving"}"));
                throw new TimeoutException($"no ensemble of {string.Join(",", members)} within {timeout}: {states}\n{await LogsAsync()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The last lines of every node's log, for failure messages.</summary>
    public async Task<string> LogsAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var node in ComposeDeployment.Nodes)
        {
            // Without the srvr lines of our own polling, which would be all there is to see.
            var lines = ProcessResult.SplitLines(await Podman.LogsAsync(await Deployment.ContainerAsync(node)))
                .Where(l => !l.Contains("Processing srvr command", StringComparison.Ordinal)).ToList();
            text.Append("--- ").Append(node).Append(" (last 30 lines but srvr) ---\n");
            foreach (var line in lines.TakeLast(30))
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }
}

/// <summary>One deployment for the assembly; the tests run one at a time (they break it in turns).</summary>
[CollectionDefinition(Name)]
public sealed class ComposeEnsembleCollection : ICollectionFixture<ComposeEnsembleFixture>
{
    public const string Name = "compose deployment";
}
