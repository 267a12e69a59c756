using System.Globalization;
using CoordAspire.Client;

namespace CoordAspire.Benchmarks.EndToEnd;

/// <summary>
/// <c>dotnet run -c Release --project bench/CoordAspire.Benchmarks -- e2e [options]</c>: write throughput and
/// latency through the real stack (client library → TCP → server → txn log), for our Node and for Apache ZooKeeper
/// 3.8, each with forceSync=yes and forceSync=no. For each: a fresh server, a warm-up (creates then sets, not
/// counted), then a timed create phase and a timed setData phase with 100-byte values.
/// </summary>
/// <remarks>
/// Options: <c>--duration 10</c> (seconds per timed phase), <c>--warmup 3</c>, <c>--connections 4</c>,
/// <c>--inflight 100</c> (requests in flight per connection), <c>--servers ours,apache</c>, <c>--sync yes,no</c>,
/// <c>--connect HOST:PORT[,...]</c> (measure a server already running instead of starting any), <c>--node-dll PATH</c> (default: Node/bin/Release/net10.0/CoordAspire.Node.dll of this repository; build it with
/// <c>dotnet build -c Release Node</c>), <c>--zk-jars DIR</c> (default /usr/share/java),
/// <c>--config key=value[,key=value]</c> (more zoo.cfg lines for both servers, e.g. <c>snapCount=10000000</c>),
/// <c>--logs DIR</c> (keep a copy of each server's log there).
/// </remarks>
internal static class EndToEndRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseOptions(args);
        int duration = int.Parse(options.GetValueOrDefault("duration", "10"), CultureInfo.InvariantCulture);
        int warmup = int.Parse(options.GetValueOrDefault("warmup", "3"), CultureInfo.InvariantCulture);
        int connections = int.Parse(options.GetValueOrDefault("connections", "4"), CultureInfo.InvariantCulture);
        int inFlight = int.Parse(options.GetValueOrDefault("inflight", "100"), CultureInfo.InvariantCulture);
        var servers = options.GetValueOrDefault("servers", "ours,apache").Split(',');
        var syncs = options.GetValueOrDefault("sync", "yes,no").Split(',').Select(s => s == "yes").ToArray();
        var nodeDll = options.GetValueOrDefault("node-dll") ?? Path.Combine(RepositoryPaths.Root, "Node", "bin", "Release", "net10.0", "CoordAspire.Node.dll");
        var jarDir = options.GetValueOrDefault("zk-jars", "/usr/share/java");
        string[] extraConfig = options.GetValueOrDefault("config") is { } extra ? extra.Split(',') : [];
        if (servers.Contains("ours") && !File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"{nodeDll} not found: build it first with `dotnet build -c Release Node`");
            return 2;
        }

        Console.WriteLine($"# e2e: {connections} connections x {inFlight} in flight, {BenchData.ValueSize}-byte values, {warmup} s warm-up, {duration} s per phase");
        if (options.GetValueOrDefault("connect") is { } external)
        {
            // A server someone else started (an ensemble, a remote host): measured as it is, nothing started here.
            foreach (var result in await MeasureAsync(external, connections, inFlight, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration)))
            {
                Console.WriteLine(Format(external, forceSync: null, result));
            }

            return 0;
        }

        var rows = new List<(string Server, bool ForceSync, PhaseResult Result)>();
        foreach (var server in servers)
        {
            foreach (var forceSync in syncs)
            {
                await using var process = server == "ours"
                    ? await ServerProcess.StartNodeAsync(nodeDll, forceSync, extraConfig)
                    : await ServerProcess.StartApacheAsync(jarDir, forceSync, extraConfig);
                Console.WriteLine($"# {process.Name}, forceSync={(forceSync ? "yes" : "no")}, {process.ConnectString}, dataDir under {process.BaseDirectory}, load average {LoadAverage()}");
                foreach (var result in await MeasureAsync(process.ConnectString, connections, inFlight, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration)))
                {
                    rows.Add((process.Name, forceSync, result));
                    Console.WriteLine($"#   {Format(process.Name, forceSync, result)}");
                }

                Console.WriteLine($"#   load average after: {LoadAverage()}");
                if (options.GetValueOrDefault("logs") is { } logs)
                {
                    // The server's own log (snapshot and fsync lines), kept before its directory goes.
                    Directory.CreateDirectory(logs);
                    string name = $"{(server == "ours" ? "coordaspire" : "zookeeper")}-forcesync-{(forceSync ? "yes" : "no")}.log";
                    File.Copy(Path.Combine(process.BaseDirectory, "server.log"), Path.Combine(logs, name), overwrite: true);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Server | forceSync | Operation | ops/s | p50 ms | p99 ms | p99.9 ms | max ms | requests | errors |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (server, forceSync, result) in rows)
        {
            Console.WriteLine(Format(server, forceSync, result));
        }

        return 0;
    }

    private static async Task<PhaseResult[]> MeasureAsync(string connectString, int connections, int inFlight, TimeSpan warmup, TimeSpan duration)
    {
        var clients = new List<ZooKeeperClient>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                clients.Add(await ZooKeeperClient.ConnectAsync(connectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(30) }));
            }

            var value = BenchData.Value(7);
            await LoadDriver.PrepareAsync(clients[0], "/warmup", connections, inFlight);
            var warmCreated = new long[connections, inFlight];
            await LoadDriver.RunAsync(clients, inFlight, Operation.Create, "/warmup", warmCreated, value, warmup);
            await LoadDriver.RunAsync(clients, inFlight, Operation.SetData, "/warmup", warmCreated, value, warmup);

            await LoadDriver.PrepareAsync(clients[0], "/e2e", connections, inFlight);
            var created = new long[connections, inFlight];
            var creates = await LoadDriver.RunAsync(clients, inFlight, Operation.Create, "/e2e", created, value, duration);
            var sets = await LoadDriver.RunAsync(clients, inFlight, Operation.SetData, "/e2e", created, value, duration);
            return [creates, sets];
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static string Format(string server, bool? forceSync, PhaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {server} | {forceSync switch { true => "yes", false => "no", null => "?" }} | {(r.Operation == Operation.Create ? "create" : "setData")} | {r.PerSecond:N0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.P999Ms:F2} | {r.MaxMs:F1} | {r.Completed:N0} | {r.Errors:N0} |");

    /// <summary>The 1-, 5- and 15-minute load averages: on a shared machine, what else was running during a phase.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --option value, got {args[i]}");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }
}
