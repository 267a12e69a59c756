using System.Globalization;
using System.Text.RegularExpressions;
using CoordAspire.Database.Tree;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>
/// The format against Apache ZooKeeper 3.8 itself (Debian's jars): we restore a dataDir ZooKeeper wrote, ZooKeeper
/// starts on a dataDir we wrote, and ZooKeeper's own file tools (TxnLogToolkit, SnapshotFormatter) parse our files.
/// </summary>
public sealed partial class CrossFormatTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 64 * 1024, ForceSync = false };

    [JavaFact]
    public async Task We_restore_a_dataDir_written_by_Apache_ZooKeeper()
    {
        using var dir = new TempDirectory();
        string copy;
        ProcessResult populate;
        await using (var zk = await ApacheZooKeeperServer.StartAsync(new ApacheZooKeeperServerOptions
        {
            // A small snapCount makes ZooKeeper snapshot (fuzzily, on its own thread) and roll its log several times.
            ExtraSystemProperties = new Dictionary<string, string> { ["zookeeper.snapCount"] = "10", ["zookeeper.preAllocSize"] = "64" },
        }))
        {
            populate = await JavaTools.TreeDumpAsync(zk.ConnectString, "populate");
            Assert.True(populate.ExitCode == 0, populate.ToString());

            // A crash, as far as the files are concerned: every acknowledged write was fsynced before its reply.
            await zk.KillAsync();
            copy = dir.CopyFrom(zk.DataDirectory, "zk-data");
        }

        var snapshots = DataDirFiles.List(Path.Combine(copy, "version-2"), DataDirFiles.SnapshotPrefix, ascending: true);
        Assert.True(snapshots.Count >= 3, $"ZooKeeper took {snapshots.Count} snapshots");

        using var dataDir = new DataDirectory(copy, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        var result = dataDir.Restore(tree, sessions);
        Assert.True(result.SnapshotZxid > 0, "restored from a snapshot ZooKeeper took while serving");
        Assert.True(result.TxnsReplayed > 0 || result.SnapshotZxid == result.Zxid);

        var expected = JavaTools.NodeLines(populate);
        var actual = JavaTools.NodeLines(tree);
        Assert.True(JavaTools.Diff(expected, actual) is null, JavaTools.Diff(expected, actual));
        Assert.Equal(30000, sessions[JavaTools.Session(populate)]);
        Assert.Equal(2, tree.GetEphemerals(JavaTools.Session(populate)).Count);

        // ZooKeeper 3.8 appends a TxnDigest to every logged transaction; we read past it.
        using var iterator = dataDir.ReadTxnLog(1);
        int withDigest = 0, total = 0;
        while (iterator.MoveNext())
        {
            total++;
            withDigest += iterator.Current.Digest is null ? 0 : 1;
        }

        Assert.True(total > 50 && withDigest == total, $"{withDigest} of {total} entries carry a digest");

        // And every snapshot ZooKeeper wrote (with its ZxidDigest and second seal) reads back.
        foreach (var (path, _) in snapshots)
        {
            if (FileSnap.IsValidSnapshot(path))
            {
                FileSnap.Deserialize(path, new DataTree(extendedTypesEnabled: true), new Dictionary<long, int>());
            }
        }
    }

    [JavaFact]
    public async Task Apache_ZooKeeper_starts_on_a_dataDir_we_wrote_and_we_restore_what_it_then_wrote()
    {
        using var dir = new TempDirectory();
        var dataPath = dir.Combine("data");
        Workload live;
        using (var dataDir = new DataDirectory(dataPath, logOptions: Fast))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r), startTime: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000);
            dataDir.Restore(live.Tree, live.Sessions);
            var random = new Random(2024);
            var deleted = new List<string>();
            live.Varied();
            for (int i = 0; i < 150; i++)
            {
                live.RandomOperation(random, deleted);
            }

            dataDir.TxnLog.Commit();

            // A fuzzy snapshot written between batches, the log rolled at its start, more writes after it.
            using var writer = dataDir.BeginSnapshot(live.Tree, live.Sessions);
            dataDir.TxnLog.RollLog();
            while (!writer.WriteChunk(5))
            {
                live.RandomOperation(random, deleted);
                live.RandomOperation(random, deleted);
                dataDir.TxnLog.Commit();
            }

            await writer.CompleteAsync();
            for (int i = 0; i < 30; i++)
            {
                live.RandomOperation(random, deleted);
            }

            dataDir.TxnLog.Commit();
        }

        await CheckWithZooKeepersToolsAsync(Path.Combine(dataPath, "version-2"));

        string afterZk;
        ProcessResult dump, touch;
        await using (var zk = await ApacheZooKeeperServer.StartAsync(new ApacheZooKeeperServerOptions
        {
            ExtraConfig = new Dictionary<string, string> { ["dataDir"] = dataPath },
            ExtraSystemProperties = new Dictionary<string, string> { ["zookeeper.DigestAuthenticationProvider.superDigest"] = JavaTools.SuperDigest },
            ContainerCheckIntervalMs = 600_000,
        }))
        {
            dump = await JavaTools.TreeDumpAsync(zk.ConnectString, "dump");
            Assert.True(dump.ExitCode == 0, dump + "\n" + string.Join('\n', zk.RecentOutput.TakeLast(40)));
            var expected = JavaTools.NodeLines(live.Tree);
            var actual = JavaTools.NodeLines(dump);
            Assert.True(JavaTools.Diff(expected, actual) is null, JavaTools.Diff(expected, actual));
            // Errors about what it read from our files. An error on an NIO worker thread is ZooKeeper 3.8.0's own race of
            // a client connecting while the server finishes starting (an NPE in ZooKeeperServer), not about the dataDir.
            Assert.DoesNotContain(zk.RecentOutput, l => (l.Contains(" ERROR ", StringComparison.Ordinal) && !l.Contains("[NIOWorkerThread", StringComparison.Ordinal))
                || l.Contains("CRC", StringComparison.Ordinal));

            // ZooKeeper appends to the history we wrote (its own snapshot at startup, then its log).
            touch = await JavaTools.TreeDumpAsync(zk.ConnectString, "touch");
            Assert.True(touch.ExitCode == 0, touch.ToString());
            await zk.KillAsync();
            afterZk = dir.CopyFrom(dataPath, "after-zk");
        }

        using var again = new DataDirectory(afterZk, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        again.Restore(tree, sessions);
        var afterExpected = JavaTools.NodeLines(touch);
        var afterActual = JavaTools.NodeLines(tree);
        Assert.True(JavaTools.Diff(afterExpected, afterActual) is null, JavaTools.Diff(afterExpected, afterActual));
        Assert.Contains("/afterzk", afterActual.Keys);
        Assert.Contains(JavaTools.Session(touch), sessions.Keys);
    }

    [JavaFact]
    public async Task SnapshotFormatter_reads_every_node_and_session_of_our_snapshot_as_we_wrote_it()
    {
        using var dir = new TempDirectory();
        var live = new Workload();
        live.Varied();
        var info = new DataDirectory(dir.Path, logOptions: Fast).Save(live.Tree, live.Sessions);

        var result = await JavaTools.SnapshotFormatterAsync(info.Path);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Each node prints as: ----, its path, then cZxid, ctime, mZxid, mtime, pZxid, cversion (the stored one),
        // dataVersion, aclVersion, ephemeralOwner, data (base64; null prints as empty).
        var printed = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var lines = result.StdoutLines;
        for (int i = 0; i + 1 < lines.Count; i++)
        {
            if (lines[i] == "----" && lines[i + 1].StartsWith('/'))
            {
                var fields = new Dictionary<string, string>();
                for (int j = i + 2; j < lines.Count && lines[j].StartsWith("  ", StringComparison.Ordinal); j++)
                {
                    var line = lines[j].Trim();
                    int eq = line.IndexOf(" =", StringComparison.Ordinal);
                    fields[line[..eq]] = line[(eq + 2)..].Trim();
                }

                printed[lines[i + 1]] = fields;
            }
        }

        Assert.Equal(live.Tree.NodeCount, printed.Count);
        foreach (var (path, node) in live.Tree.AllNodes)
        {
            var f = printed[path];
            Assert.Equal(node.Czxid, Convert.ToInt64(f["cZxid"], 16));
            Assert.Equal(node.Mzxid, Convert.ToInt64(f["mZxid"], 16));
            Assert.Equal(node.Pzxid, Convert.ToInt64(f["pZxid"], 16));
            Assert.Equal(node.Cversion, int.Parse(f["cversion"], CultureInfo.InvariantCulture));
            Assert.Equal(node.Version, int.Parse(f["dataVersion"], CultureInfo.InvariantCulture));
            Assert.Equal(node.Aversion, int.Parse(f["aclVersion"], CultureInfo.InvariantCulture));
            Assert.Equal(node.EphemeralOwner, Convert.ToInt64(f["ephemeralOwner"], 16));
            Assert.Equal(Convert.ToBase64String(node.Data ?? []), f["data"]);
        }

        var sessions = lines.SkipWhile(l => !l.StartsWith("Session Details", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("0x", StringComparison.Ordinal))
            .Select(l => l.Split(", "))
            .ToDictionary(p => Convert.ToInt64(p[0], 16), p => (Timeout: int.Parse(p[1], CultureInfo.InvariantCulture), Ephemerals: int.Parse(p[2], CultureInfo.InvariantCulture)));
        Assert.Equal(live.Sessions.Keys.Order(), sessions.Keys.Order());
        foreach (var (id, timeout) in live.Sessions)
        {
            Assert.Equal(timeout, sessions[id].Timeout);
            Assert.Equal(live.Tree.GetEphemerals(id).Count, sessions[id].Ephemerals);
        }
    }

    /// <summary>TxnLogToolkit dumps each of our log files with no CRC error; SnapshotFormatter loads each snapshot.</summary>
    private static async Task CheckWithZooKeepersToolsAsync(string versionDir)
    {
        foreach (var (path, _) in DataDirFiles.List(versionDir, DataDirFiles.LogPrefix, ascending: true))
        {
            var ours = new List<long>();
            using (var reader = new TxnLogFileReader(path))
            {
                while (reader.TryReadNext(out var entry))
                {
                    ours.Add(entry.Header.Zxid);
                }
            }

            var result = await JavaTools.TxnLogToolkitAsync(path);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.DoesNotContain("CRC ERROR", result.Stdout, StringComparison.Ordinal);
            Assert.Contains($"EOF reached after {ours.Count} txns.", result.Stdout, StringComparison.Ordinal);
            var theirs = ZxidPattern().Matches(result.Stdout).Select(m => Convert.ToInt64(m.Groups[1].Value, 16)).ToList();
            Assert.Equal(ours, theirs);
        }

        foreach (var (path, _) in DataDirFiles.List(versionDir, DataDirFiles.SnapshotPrefix, ascending: true))
        {
            var result = await JavaTools.SnapshotFormatterAsync(path);
            Assert.True(result.ExitCode == 0 && result.Stdout.Contains("ZNode Details (count=", StringComparison.Ordinal), result.ToString());
        }
    }

    [GeneratedRegex(@" zxid 0x([0-9a-f]+) ")]
    private static partial Regex ZxidPattern();
}
