using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>Options of one ZkScript run.</summary>
public sealed record ZkScriptOptions
{
    /// <summary>Print raw zxids, times and owners (for debugging; never for golden output).</summary>
    public bool Raw { get; init; }

    /// <summary>Session timeout requested by session A (ZkScript's default is 30000 ms).</summary>
    public int? SessionTimeoutMs { get; init; }

    /// <summary>How long the whole script may run before the JVM is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Drives a ZooKeeper-compatible server through the real Apache ZooKeeper 3.8 Java client: ZkScript
/// (tests/java/ZkScript.java; its header documents the script language) and Debian's zkCli.sh.
/// </summary>
public static class JavaZooKeeperClient
{
    private static readonly SemaphoreSlim CompileGate = new(1, 1);
    private static string? compiledDirectory;

    /// <summary>tests/java: ZkScript.java and scripts/*.zks with their golden *.expected outputs.</summary>
    public static string JavaTestsDirectory { get; } = LocateJavaTestsDirectory();

    public static string ScriptSourcePath => Path.Combine(JavaTestsDirectory, "ZkScript.java");

    /// <summary>
    /// Compiles ZkScript.java once and returns the class directory. The directory is named after a hash of the
    /// source and the jars, under the temp directory, and is filled atomically (compile elsewhere, then rename),
    /// so concurrent tests — in this process or in other test processes — never see a half-written class.
    /// </summary>
    public static async Task<string> EnsureCompiledAsync(CancellationToken cancellationToken = default)
    {
        if (compiledDirectory is { } done)
        {
            return done;
        }
        await CompileGate.WaitAsync(cancellationToken);
        try
        {
            if (compiledDirectory is { } again)
            {
                return again;
            }
            var zk = ZooKeeperAvailability.Require();
            var source = await File.ReadAllBytesAsync(ScriptSourcePath, cancellationToken);
            var key = Convert.ToHexString(SHA256.HashData(
                source.Concat(Encoding.UTF8.GetBytes(zk.JavacPath + "|" + zk.ClassPath() + "|" + new FileInfo(zk.ZooKeeperJar).Length))
                      .ToArray()))[..16].ToLowerInvariant();
            var root = Path.Combine(Path.GetTempPath(), "coordaspire-zkscript");
            var target = Path.Combine(root, key);
            if (!File.Exists(Path.Combine(target, "ZkScript.class")))
            {
                Directory.CreateDirectory(root);
                var staging = Path.Combine(root, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}");
                Directory.CreateDirectory(staging);
                var result = await ProcessRunner.RunAsync(zk.JavacPath,
                    ["-nowarn", "-encoding", "UTF-8", "-cp", zk.ClassPath(), "-d", staging, ScriptSourcePath],
                    stdin: null, TimeSpan.FromMinutes(3), cancellationToken: cancellationToken);
                if (result.ExitCode != 0)
                {
                    TryDelete(staging);
                    throw new InvalidOperationException($"javac {ScriptSourcePath} failed:\n{result}");
                }
                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (File.Exists(Path.Combine(target, "ZkScript.class")))
                {
                    TryDelete(staging); // another process won the race with identical classes
                }
            }
            compiledDirectory = target;
            return target;
        }
        finally
        {
            CompileGate.Release();
        }
    }

    /// <summary>Runs a ZkScript script (text with one command per line) against <paramref name="connectString"/>.</summary>
    public static async Task<ProcessResult> RunScriptAsync(
        string connectString, string script, ZkScriptOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ZkScriptOptions();
        var zk = ZooKeeperAvailability.Require();
        var classes = await EnsureCompiledAsync(cancellationToken);
        var args = new List<string>
        {
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", zk.ClassPath(classes), "ZkScript", connectString,
        };
        if (options.Raw)
        {
            args.Add("--raw");
        }
        if (options.SessionTimeoutMs is { } t)
        {
            args.Add($"--session-timeout={t}");
        }
        return await ProcessRunner.RunAsync(zk.JavaPath, args, script, options.Timeout, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Runs <c>zkCli.sh -server SERVER -waitforconnection command...</c> non-interactively (one command, then
    /// exit; without -waitforconnection zkCli may send before the session exists and fail with ConnectionLoss), e.g.
    /// <c>RunZkCliAsync("127.0.0.1:2181", ["create", "/a", "data"])</c>.
    /// </summary>
    public static async Task<ProcessResult> RunZkCliAsync(
        string server, IReadOnlyList<string> command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var zk = ZooKeeperAvailability.Require();
        if (zk.ZkCliPath is null)
        {
            throw new InvalidOperationException(
                $"zkCli.sh not found (set {ZooKeeperAvailability.ZkCliVariable} or install Debian's zookeeper package)");
        }
        var logDir = Path.Combine(Path.GetTempPath(), "coordaspire-zkcli-logs");
        Directory.CreateDirectory(logDir);
        return await ProcessRunner.RunAsync("/bin/bash", [zk.ZkCliPath, "-server", server, "-waitforconnection", .. command], stdin: null,
            timeout ?? TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["ZOO_LOG_DIR"] = logDir, ["CLIENT_JVMFLAGS"] = "-Xmx128m -XX:TieredStopAtLevel=1" },
            cancellationToken);
    }

    /// <summary>
    /// zkCli's meaningful output: stdout then stderr (some commands, e.g. create's "Created /path", report on
    /// stderr), without its connection chatter ("Connecting to", "WATCHER::", watcher events) and SLF4J notices.
    /// </summary>
    public static IReadOnlyList<string> ZkCliOutputLines(ProcessResult result) =>
        result.StdoutLines.Concat(ProcessResult.SplitLines(result.Stderr))
            .Where(l => l.Length > 0
                && !l.StartsWith("Connecting to ", StringComparison.Ordinal)
                && !l.StartsWith("WATCHER::", StringComparison.Ordinal)
                && !l.StartsWith("WatchedEvent state:", StringComparison.Ordinal)
                && !l.StartsWith("SLF4J:", StringComparison.Ordinal))
            .ToList();

    private static string LocateJavaTestsDirectory()
    {
        if (Environment.GetEnvironmentVariable("COORD_JAVA_TESTS_DIR") is { Length: > 0 } overridden)
        {
            return overridden;
        }
        // This source file sits in tests/CoordAspire.Node.Tests/Harness; tests/java is two levels up.
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "java"));
        if (File.Exists(Path.Combine(fromSource, "ZkScript.java")))
        {
            return fromSource;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "java");
            if (File.Exists(Path.Combine(candidate, "ZkScript.java")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "tests/java/ZkScript.java not found above " + AppContext.BaseDirectory + "; set COORD_JAVA_TESTS_DIR");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
