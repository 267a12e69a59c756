using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Quorum.Wire.Tests;

/// <summary>
/// Runs tests/java/quorum/QuorumGolden.java (Apache ZooKeeper 3.8's own classes building quorum packets, election
/// notifications, handshakes and snapshot streams; its header lists the modes), compiled once per source and jars
/// into a temp directory that is filled atomically, as the harness's other Java programs are.
/// </summary>
internal static class QuorumGoldenProgram
{
    private static readonly CompiledJavaSource Program = new(
        Path.Combine(JavaZooKeeperClient.JavaTestsDirectory, "quorum", "QuorumGolden.java"), "QuorumGolden", "coordaspire-quorumgolden", "-proc:none");

    private static IReadOnlyDictionary<string, string>? packets;

    public static string SourcePath => Program.SourcePath;

    /// <summary>"packets" mode: name → hex, computed once per test run.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> PacketsAsync()
    {
        if (packets is { } done)
        {
            return done;
        }

        var result = await RunAsync("packets");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.StdoutLines)
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            map[line[..space]] = line[(space + 1)..];
        }

        packets = map;
        return map;
    }

    public static async Task<ProcessResult> RunAsync(params string[] args)
    {
        var zk = ZooKeeperAvailability.Require();
        var classes = await Program.CompileAsync();
        var result = await ProcessRunner.RunAsync(zk.JavaPath,
            ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-cp", zk.ClassPath(classes), "QuorumGolden", .. args],
            stdin: null, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"QuorumGolden {args[0]} failed:\n{result}");
        }

        return result;
    }
}
