using System.Security.Cryptography;
using System.Text;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>
/// Runs tests/java/quorum/QuorumGolden.java (Apache ZooKeeper 3.8's own classes building quorum packets, election
/// notifications, handshakes and snapshot streams; its header lists the modes), compiled once per source and jars
/// into a temp directory that is filled atomically, as the harness's other Java programs are.
/// </summary>
internal static class QuorumGoldenProgram
{
    private static readonly SemaphoreSlim CompileGate = new(1, 1);
    private static string? compiled;
    private static IReadOnlyDictionary<string, string>? packets;

    public static string SourcePath => Path.Combine(JavaZooKeeperClient.JavaTestsDirectory, "quorum", "QuorumGolden.java");

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
        var classes = await CompileAsync();
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

    private static async Task<string> CompileAsync()
    {
        if (compiled is { } done)
        {
            return done;
        }

        await CompileGate.WaitAsync();
        try
        {
            if (compiled is { } again)
            {
                return again;
            }

            var zk = ZooKeeperAvailability.Require();
            var source = await File.ReadAllBytesAsync(SourcePath);
            var key = Convert.ToHexStringLower(SHA256.HashData(source.Concat(Encoding.UTF8.GetBytes(zk.ClassPath())).ToArray()))[..16];
            var target = Path.Combine(Path.GetTempPath(), "coordaspire-quorumgolden", key);
            if (!File.Exists(Path.Combine(target, "QuorumGolden.class")))
            {
                var staging = target + "." + Guid.NewGuid().ToString("N");
                Directory.CreateDirectory(staging);
                var result = await ProcessRunner.RunAsync(zk.JavacPath,
                    ["-nowarn", "-proc:none", "-implicit:none", "-encoding", "UTF-8", "-cp", zk.ClassPath(), "-d", staging, SourcePath],
                    stdin: null, TimeSpan.FromMinutes(3));
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"javac QuorumGolden.java failed:\n{result}");
                }

                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (File.Exists(Path.Combine(target, "QuorumGolden.class")))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }

            compiled = target;
            return target;
        }
        finally
        {
            CompileGate.Release();
        }
    }
}
