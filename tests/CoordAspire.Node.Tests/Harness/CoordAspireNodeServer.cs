using System.Diagnostics;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>How to run our Node under test.</summary>
public sealed record CoordAspireNodeOptions
{
    public int TickTimeMs { get; init; } = 2000;

    public int ContainerCheckIntervalMs { get; init; } = 1000;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra zoo.cfg lines (key → value).</summary>
    public IReadOnlyDictionary<string, string> ExtraConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Run on this directory (its data/ is the dataDir) and port instead of fresh ones: a restart after a crash.
    /// The directory is then the caller's to delete.
    /// </summary>
    public string? ExistingDirectory { get; init; }

    public int? Port { get; init; }
}

/// <summary>
/// Our Node as a real process (<c>dotnet CoordAspire.Node.dll zoo.cfg</c>, the program the test project builds
/// beside itself), configured the way <see cref="ApacheZooKeeperServer"/> configures the reference, so that one
/// script gives comparable answers from both.
/// </summary>
public static class CoordAspireNodeServer
{
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "CoordAspire.Node.dll");

    public static async Task<ServerUnderTest> StartAsync(CoordAspireNodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CoordAspireNodeOptions();
        return await ServerUnderTest.StartWithRetriesAsync("CoordAspire Node", options.Port, port => LaunchAsync(options, port, cancellationToken));
    }

    private static Task<ServerUnderTest> LaunchAsync(CoordAspireNodeOptions options, int port, CancellationToken cancellationToken)
    {
        var baseDirectory = options.ExistingDirectory ?? Directory.CreateTempSubdirectory("coordaspire-node-").FullName;
        Directory.CreateDirectory(Path.Combine(baseDirectory, "data"));
        var config = new Dictionary<string, string>
        {
            ["tickTime"] = options.TickTimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["dataDir"] = Path.Combine(baseDirectory, "data"),
            ["clientPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["clientPortAddress"] = "127.0.0.1",
            ["4lw.commands.whitelist"] = "*",
            ["extendedTypesEnabled"] = "true",
            ["znode.container.checkIntervalMs"] = options.ContainerCheckIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in options.ExtraConfig)
        {
            config[k] = v;
        }

        var cfgPath = Path.Combine(baseDirectory, "zoo.cfg");
        File.WriteAllLines(cfgPath, config.Select(kv => $"{kv.Key}={kv.Value}"));

        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(ProgramPath);
        psi.ArgumentList.Add(cfgPath);
        psi.Environment["DOTNET_gcServer"] = "0";
        return ServerUnderTest.StartAsync("CoordAspire", psi, port, baseDirectory, options.StartTimeout, cancellationToken, keepDirectory: options.ExistingDirectory is not null);
    }
}
