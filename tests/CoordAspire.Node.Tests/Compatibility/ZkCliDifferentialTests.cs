using System.Text.RegularExpressions;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Compatibility;

/// <summary>
/// What a person following a ZooKeeper guide types into <c>zkCli.sh</c> gives the same answers from our Node as
/// from Apache ZooKeeper: one interactive session of every command the issue names, run against both servers,
/// compared line by line once zxids, times and session ids are replaced by what they stand for. (Nothing in it
/// depends on timing: the container keeps its child, so neither server's reaper can race the listing; and
/// deleteall is only asked to succeed, because zkCli reports a failed one racily, whichever the server.)
/// </summary>
public sealed partial class ZkCliDifferentialTests
{
    private const string Session = """
        create /app "hello"
        create -e -s /app/worker- "w"
        create -c /cont ""
        create -c /cont/child ""
        create -t 600000 /ttl "t"
        create -s /app/seq- ""
        ls /
        ls -s /app
        get -s /app
        set -v 0 /app world
        set -v 0 /app again
        get /app
        stat /app
        delete /app/seq-0000000001
        delete -v 7 /cont/child
        addWatch -m PERSISTENT_RECURSIVE /app
        create /app/watched "x"
        getEphemerals
        getEphemerals /app
        getAllChildrenNumber /
        getAllChildrenNumber /app
        setAcl /app world:anyone:crwa
        getAcl /app
        whoami
        addauth digest bob:secret
        create /sec "s" auth::cdrwa
        getAcl /sec
        setAcl -v 0 /sec digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=:cdrwa,world:anyone:r
        getAcl /sec
        stat /sec
        sync /app
        create /app/a/b "nope"
        delete /app
        create /tree ""
        create /tree/a ""
        create /tree/a/b ""
        deleteall /tree
        ls /
        get /missing
        """;

    [JavaFact]
    public async Task zkCli_session_is_identical_on_both_servers()
    {
        IReadOnlyList<string> apache, ours;
        await using (var reference = await ApacheZooKeeperServer.StartAsync())
        {
            apache = await RunSessionAsync(reference.ConnectString);
        }

        await using (var node = await CoordAspireNodeServer.StartAsync())
        {
            ours = await RunSessionAsync(node.ConnectString);
        }

        Assert.Contains(apache, l => l.Contains("Created /app/worker-0000000000", StringComparison.Ordinal));

        // zkCli prints watch events from the client's event thread, so where they land among the command output
        // is up to thread scheduling: events are compared as a set, everything else line by line.
        // The Closed event of zkCli's own quit races the JVM's exit, so it is not compared.
        static bool IsEvent(string line) => line.StartsWith("WatchedEvent ", StringComparison.Ordinal);
        apache = apache.Where(l => !l.Contains("state:Closed", StringComparison.Ordinal)).ToList();
        ours = ours.Where(l => !l.Contains("state:Closed", StringComparison.Ordinal)).ToList();
        var diff = ZkScriptFiles.Diff(apache.Where(l => !IsEvent(l)).ToList(), ours.Where(l => !IsEvent(l)).ToList());
        Assert.True(diff is null, "zkCli output differs (- Apache ZooKeeper, + CoordAspire):\n" + diff);
        Assert.Equal(apache.Where(IsEvent).Order(StringComparer.Ordinal), ours.Where(IsEvent).Order(StringComparer.Ordinal));
        Assert.Contains(ours, l => l.Contains("type:NodeCreated path:/app/watched", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs the session and returns its normalised output: standard output, then standard error (zkCli prints
    /// some answers, such as "Created", on stderr; each stream keeps its own order, their interleaving does not).
    /// </summary>
    private static async Task<IReadOnlyList<string>> RunSessionAsync(string server)
    {
        var zk = ZooKeeperAvailability.Require();
        var script = Path.GetTempFileName();
        var errors = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, Session + "\nquit\n");
        try
        {
            var logDir = Path.Combine(Path.GetTempPath(), "coordaspire-zkcli-logs");
            Directory.CreateDirectory(logDir);
            var result = await ProcessRunner.RunAsync(
                "/bin/bash",
                ["-c", $"'{zk.ZkCliPath}' -server {server} -waitforconnection < '{script}' 2> '{errors}'"],
                stdin: null,
                TimeSpan.FromMinutes(2),
                new Dictionary<string, string> { ["ZOO_LOG_DIR"] = logDir, ["CLIENT_JVMFLAGS"] = "-Xmx128m -XX:TieredStopAtLevel=1" },
                CancellationToken.None);
            var stderr = await File.ReadAllLinesAsync(errors);
            return Normalise(result.StdoutLines.Append("--- stderr ---").Concat(stderr));
        }
        finally
        {
            File.Delete(script);
            File.Delete(errors);
        }
    }

    /// <summary>Keeps what both servers must agree on; zxids, times and session ids become placeholders.</summary>
    private static List<string> Normalise(IEnumerable<string> lines) =>
        lines
            .Select(l => Prompt().Replace(l, ""))
            .Where(l => l.Length > 0
                && !l.StartsWith("Connecting to ", StringComparison.Ordinal)
                && !l.StartsWith("Welcome to ZooKeeper", StringComparison.Ordinal)
                && !l.StartsWith("JLine support", StringComparison.Ordinal)
                && !l.StartsWith("WATCHER::", StringComparison.Ordinal)
                && !l.StartsWith("SLF4J", StringComparison.Ordinal)
                && !l.Contains("INFO", StringComparison.Ordinal)
                && !l.Contains("WARN", StringComparison.Ordinal))
            .Select(l => ZxidLine().Replace(l, "$1 = <zxid>"))
            .Select(l => TimeLine().Replace(l, "$1 = <time>"))
            .Select(l => OwnerLine().Replace(l, "ephemeralOwner = <session>"))
            .Select(l => EventZxid().Replace(l, ""))
            .ToList();

    [GeneratedRegex(@"^(\[zk: [^\]]*\] ?)+")]
    private static partial Regex Prompt();

    [GeneratedRegex(@"^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$")]
    private static partial Regex ZxidLine();

    [GeneratedRegex(@"^(ctime|mtime) = .*$")]
    private static partial Regex TimeLine();

    [GeneratedRegex(@"^ephemeralOwner = 0x[0-9a-f]*[1-9a-f][0-9a-f]*$")]
    private static partial Regex OwnerLine();

    [GeneratedRegex(@" zxid: ?-?\d+")]
    private static partial Regex EventZxid();
}
