using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CoordAspire.Database.Tree;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Storage.Tests.Support;

/// <summary>
/// Apache ZooKeeper's own programs as oracles: TreeDump (java/TreeDump.java, on the real Java client), and the
/// server's file tools TxnLogToolkit (3.8's log dumper, which replaced LogFormatter) and SnapshotFormatter.
/// </summary>
public static class JavaTools
{
    private static readonly CompiledJavaSource TreeDump = new(TreeDumpSource, "TreeDump", "coordaspire-treedump");

    /// <summary>
    /// <c>zookeeper.DigestAuthenticationProvider.superDigest</c> for TreeDump's "super:secret" identity, so that it
    /// may read nodes whose ACL grants no READ to anyone it is (base64 of SHA-1 of "super:secret").
    /// </summary>
    public static string SuperDigest { get; } = "super:" + Convert.ToBase64String(SHA1.HashData("super:secret"u8));

    public static string TreeDumpSource => Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "java", "TreeDump.java");

    /// <summary>Runs TreeDump against a server: MODE populate, touch or dump (see its header).</summary>
    public static async Task<ProcessResult> TreeDumpAsync(string connectString, string mode)
    {
        var zk = ZooKeeperAvailability.Require();
        var classes = await TreeDump.CompileAsync();
        return await ProcessRunner.RunAsync(zk.JavaPath,
            ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-cp", zk.ClassPath(classes), "TreeDump", connectString, mode],
            stdin: null, TimeSpan.FromMinutes(2));
    }

    /// <summary><c>java org.apache.zookeeper.server.persistence.TxnLogToolkit LOGFILE</c> (dump mode).</summary>
    public static Task<ProcessResult> TxnLogToolkitAsync(string logFile) =>
        RunServerClassAsync("org.apache.zookeeper.server.persistence.TxnLogToolkit", logFile);

    /// <summary><c>java org.apache.zookeeper.server.SnapshotFormatter -d SNAPSHOT</c>.</summary>
    public static Task<ProcessResult> SnapshotFormatterAsync(string snapshot) =>
        RunServerClassAsync("org.apache.zookeeper.server.SnapshotFormatter", "-d", snapshot);

    /// <summary>The node lines of a TreeDump output, by path.</summary>
    public static SortedDictionary<string, string> NodeLines(ProcessResult result) =>
        new(result.StdoutLines.Where(l => l.StartsWith("node ", StringComparison.Ordinal))
                .Select(l => l["node ".Length..])
                .ToDictionary(l => l[..l.IndexOf('|', StringComparison.Ordinal)], l => l),
            StringComparer.Ordinal);

    /// <summary>The session TreeDump used, from its last line.</summary>
    public static long Session(ProcessResult result) =>
        long.Parse(result.StdoutLines.Single(l => l.StartsWith("session ", StringComparison.Ordinal))["session ".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Our tree in TreeDump's line format: what a Java client would be told about each node.</summary>
    public static SortedDictionary<string, string> NodeLines(DataTree tree)
    {
        var lines = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, node) in tree.AllNodes)
        {
            var stat = node.ToStat();
            var line = new StringBuilder(path);
            line.Append('|').Append(Hex(stat.Czxid)).Append('|').Append(Hex(stat.Mzxid));
            line.Append('|').Append(stat.Ctime).Append('|').Append(stat.Mtime);
            line.Append('|').Append(stat.Version).Append('|').Append(stat.Cversion).Append('|').Append(stat.Aversion);
            line.Append('|').Append(Hex(stat.EphemeralOwner)).Append('|').Append(stat.DataLength).Append('|').Append(stat.NumChildren);
            line.Append('|').Append(Hex(stat.Pzxid)).Append('|');
            line.AppendJoin(',', node.Acl.Select(a => $"{(int)a.Perms}:{a.Id.Scheme}:{a.Id.Ident}"));
            line.Append('|').Append(node.Data is null ? "null" : Convert.ToHexStringLower(node.Data));
            lines[path] = line.ToString();
        }

        return lines;
    }

    /// <summary>A readable account of where two dumps differ; null when they are equal.</summary>
    public static string? Diff(IDictionary<string, string> expected, IDictionary<string, string> actual)
    {
        var report = new StringBuilder();
        foreach (var path in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            expected.TryGetValue(path, out var e);
            actual.TryGetValue(path, out var a);
            if (e != a)
            {
                report.Append("- ").AppendLine(e ?? "(none)").Append("+ ").AppendLine(a ?? "(none)");
            }
        }

        return report.Length == 0 ? null : report.ToString();
    }

    private static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);

    private static async Task<ProcessResult> RunServerClassAsync(string mainClass, params string[] args)
    {
        var zk = ZooKeeperAvailability.Require();
        return await ProcessRunner.RunAsync(zk.JavaPath,
            ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "-Dzookeeper.extendedTypesEnabled=true", "-cp", zk.ClassPath(), mainClass, .. args],
            stdin: null, TimeSpan.FromMinutes(1));
    }


    private static string ThisFile([CallerFilePath] string path = "") => path;
}
