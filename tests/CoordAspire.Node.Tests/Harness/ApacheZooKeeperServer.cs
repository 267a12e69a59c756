using System.Diagnostics;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>How to run the reference server.</summary>
public sealed record ApacheZooKeeperServerOptions
{
    public int TickTimeMs { get; init; } = 2000;

    /// <summary>Container and TTL nodes are reaped by a check that runs this often.</summary>
    public int ContainerCheckIntervalMs { get; init; } = 1000;

    public string MaxHeap { get; init; } = "256m";

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra zoo.cfg lines (key → value).</summary>
    public IReadOnlyDictionary<string, string> ExtraConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra JVM system properties (name without -D → value).</summary>
    public IReadOnlyDictionary<string, string> ExtraSystemProperties { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A real standalone Apache ZooKeeper 3.8 (Debian's jars) on a free loopback port with a throw-away data
/// directory: the reference that differential tests compare CoordAspire against.
/// </summary>
public static class ApacheZooKeeperServer
{
    public static async Task<ServerUnderTest> StartAsync(
        ApacheZooKeeperServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ApacheZooKeeperServerOptions();
        var zk = ZooKeeperAvailability.Require();
        return await ServerUnderTest.StartWithRetriesAsync("Apache ZooKeeper", null, port => LaunchAsync(zk, options, port, cancellationToken));
    }

    /// <summary>Sends a four-letter-word command to any server.</summary>
    public static Task<string> SendFourLetterWordAsync(string host, int port, string word, CancellationToken cancellationToken = default) =>
        ServerUnderTest.SendFourLetterWordAsync(host, port, word, cancellationToken);

    private static Task<ServerUnderTest> LaunchAsync(ZooKeeperInstallation zk, ApacheZooKeeperServerOptions options, int port, CancellationToken cancellationToken)
    {
        var baseDirectory = Directory.CreateTempSubdirectory("coordaspire-zk-").FullName;
        Directory.CreateDirectory(Path.Combine(baseDirectory, "data"));
        var config = new Dictionary<string, string>
        {
            ["tickTime"] = options.TickTimeMs.ToString(),
            ["dataDir"] = Path.Combine(baseDirectory, "data"),
            ["clientPort"] = port.ToString(),
            ["clientPortAddress"] = "127.0.0.1",
            ["admin.enableServer"] = "false",
            ["4lw.commands.whitelist"] = "*",
        };
        foreach (var (k, v) in options.ExtraConfig)
        {
            config[k] = v;
        }
        var cfgPath = Path.Combine(baseDirectory, "zoo.cfg");
        File.WriteAllLines(cfgPath, config.Select(kv => $"{kv.Key}={kv.Value}"));

        var properties = new Dictionary<string, string>
        {
            ["zookeeper.extendedTypesEnabled"] = "true",
            ["znode.container.checkIntervalMs"] = options.ContainerCheckIntervalMs.ToString(),
            ["zookeeper.admin.enableServer"] = "false",
            ["zookeeper.4lw.commands.whitelist"] = "*",
            ["zookeeper.log.dir"] = baseDirectory,
            ["org.slf4j.simpleLogger.defaultLogLevel"] = "info",
        };
        foreach (var (k, v) in options.ExtraSystemProperties)
        {
            properties[k] = v;
        }

        var psi = new ProcessStartInfo(zk.JavaPath);
        psi.ArgumentList.Add($"-Xmx{options.MaxHeap}");
        psi.ArgumentList.Add("-XX:+UseSerialGC");
        foreach (var (k, v) in properties)
        {
            psi.ArgumentList.Add($"-D{k}={v}");
        }
        psi.ArgumentList.Add("-cp");
        psi.ArgumentList.Add(zk.ClassPath());
        psi.ArgumentList.Add("org.apache.zookeeper.server.ZooKeeperServerMain");
        psi.ArgumentList.Add(cfgPath);

        return ServerUnderTest.StartAsync("Apache ZooKeeper", psi, port, baseDirectory, options.StartTimeout, cancellationToken);
    }
}
