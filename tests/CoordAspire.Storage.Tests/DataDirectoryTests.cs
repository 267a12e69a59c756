using CoordAspire.Database.Sessions;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Records;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>The facade: layout, restore (snapshot + replay), snapshot edge cases, purge, truncation.</summary>
public sealed class DataDirectoryTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 64 * 1024, ForceSync = false };

    [Fact]
    public void A_fresh_directory_gets_the_version_2_layout_and_snapshot_0()
    {
        using var dir = new TempDirectory();
        using var dataDir = new DataDirectory(dir.Combine("data"), dir.Combine("datalog"), Fast);
        var tree = new DataTree();
        var result = dataDir.Restore(tree, new Dictionary<long, int>());
        Assert.Equal(0, result.Zxid);
        Assert.Null(result.Snapshot);
        Assert.True(File.Exists(dir.Combine("data", "version-2", "snapshot.0")));
        Assert.True(Directory.Exists(dir.Combine("datalog", "version-2")));
        Assert.Equal(-1, dataDir.LastLoggedZxid);
    }

    [Fact]
    public void Restore_replays_the_log_after_the_snapshot_into_the_tree_and_sessions()
    {
        using var dir = new TempDirectory();
        Workload live;
        using (var dataDir = new DataDirectory(dir.Combine("data"), dir.Combine("datalog"), Fast with { ForceSync = true }))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            live.Varied();
            live.CreateSession(0x99, 4000);
            live.Create("/gone-with-session", null, ephemeralSession: 0x99);
            live.CloseSession(0x99);
            dataDir.TxnLog.Commit();
        }

        using var again = new DataDirectory(dir.Combine("data"), dir.Combine("datalog"), Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var tracker = new SessionTracker(1, 2000, 0);
        long zxid = again.Restore(tree, tracker, now: 10_000);
        Assert.Equal(live.Zxid, zxid);
        TreeAssert.Equal(live.Tree, tree);
        Assert.Equal(live.Sessions.Keys.Order(), tracker.All.Select(s => s.Id).Order());
        Assert.Equal(25000, tracker.Get(0x1000002)!.Timeout);
        Assert.Null(tracker.Get(0x99));
    }

    [Fact]
    public void Log_entries_without_a_snapshot_refuse_to_start()
    {
        using var dir = new TempDirectory();
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            var live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            live.Create("/a", null);
            dataDir.TxnLog.Commit();
        }

        File.Delete(dir.Combine("version-2", "snapshot.0"));
        using var again = new DataDirectory(dir.Path, logOptions: Fast);
        var e = Assert.Throws<InvalidDataException>(() => again.Restore(new DataTree(), new Dictionary<long, int>()));
        Assert.Contains("No snapshot found, but there are log entries", e.Message);
    }

    [Fact]
    public void Swapped_data_and_log_directories_are_refused()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("log", "version-2"));
        File.WriteAllBytes(dir.Combine("log", "version-2", "snapshot.0"), []);
        Assert.Throws<InvalidDataException>(() => new DataDirectory(dir.Combine("data"), dir.Combine("log"), Fast));
    }

    [Fact]
    public void Leftover_temporary_snapshot_files_are_removed_at_restore()
    {
        using var dir = new TempDirectory();
        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        var leftover = dir.Combine("version-2", SnapshotWriter.TempPrefix + "5.abc.nodes");
        File.WriteAllBytes(leftover, [1, 2, 3]);
        dataDir.Restore(new DataTree(), new Dictionary<long, int>());
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public void Fuzzy_snapshot_edge_cases_converge()
    {
        using var dir = new TempDirectory();
        Workload live;
        long snapshotZxid;
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            live.CreateSession(0x10);
            live.CreateSession(0x20);
            live.Create("/a", null);
            live.Create("/a/b", "b"u8.ToArray());
            live.Create("/a/b/c", "c"u8.ToArray());
            live.Create("/e", null);
            live.Create("/e/x", null, ephemeralSession: 0x10);
            live.Create("/z", null);
            dataDir.TxnLog.Commit();

            using var writer = dataDir.BeginSnapshot(live.Tree, live.Sessions);
            snapshotZxid = writer.Zxid;
            writer.WriteChunk(1); // "/" only

            // Before their turn: /a and its subtree deleted and re-created differently; an ephemeral whose session
            // closes and a new session re-creates it; a brand-new ACL on a node still to come; new nodes.
            live.Delete("/a/b/c");
            live.Delete("/a/b");
            live.Delete("/a");
            live.Create("/a", "new a"u8.ToArray(), Workload.Ip);
            live.Create("/a/b", null, ephemeralSession: 0x20);
            live.CloseSession(0x10);
            live.Create("/e/x", "again"u8.ToArray(), ephemeralSession: 0x20);
            live.SetAcl("/z", [new Acl(CoordAspire.Protocol.Perms.Admin, new Id("digest", "brand:new"))]);
            live.Create("/z/new", null);
            live.CreateSession(0x30);
            dataDir.TxnLog.Commit();
            while (!writer.WriteChunk(2))
            {
                live.SetData("/z", [(byte)live.Zxid]);
                dataDir.TxnLog.Commit();
            }

            var info = writer.Complete();
            // Every captured node is in the snapshot, those deleted since included: replaying the log deletes them.
            Assert.Equal(writer.TotalNodes, info.NodeCount);
            live.Delete("/z/new");
            dataDir.TxnLog.Commit();
        }

        using var again = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        var result = again.Restore(tree, sessions);
        Assert.Equal(snapshotZxid, result.SnapshotZxid);
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);
    }

    [Fact]
    public void Purge_keeps_the_newest_snapshots_and_the_logs_to_replay_from_the_oldest_kept()
    {
        using var dir = new TempDirectory();
        Workload live;
        var snapshots = new List<long>();
        using (var dataDir = new DataDirectory(dir.Combine("orig", "data"), dir.Combine("orig", "datalog"), Fast))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            var random = new Random(7);
            var deleted = new List<string>();
            live.Varied();
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 20; i++)
                {
                    live.RandomOperation(random, deleted);
                }

                dataDir.TxnLog.Commit();

                // As ZooKeeper's SyncRequestProcessor: roll the log, then snapshot, so the next file starts after it.
                dataDir.TxnLog.RollLog();
                snapshots.Add(dataDir.Save(live.Tree, live.Sessions).Zxid);
                live.RandomOperation(random, deleted);
                live.RandomOperation(random, deleted);
                dataDir.TxnLog.Commit();
            }

            var result = dataDir.Purge(3);
            Assert.Equal(3, result.DeletedSnapshots.Count); // snapshot.0 and the two oldest of five
            Assert.NotEmpty(result.DeletedLogs);
            var remaining = DataDirFiles.List(dataDir.SnapDir, DataDirFiles.SnapshotPrefix, ascending: true).Select(f => f.Zxid);
            Assert.Equal(snapshots.TakeLast(3), remaining);

            // The kept logs still hold everything after the oldest kept snapshot.
            var logs = DataDirFiles.List(dataDir.LogDir, DataDirFiles.LogPrefix, ascending: true);
            Assert.True(logs[0].Zxid <= snapshots[^3] + 1);
        }

        // Every kept snapshot can still be restored from.
        foreach (var keep in snapshots.TakeLast(3))
        {
            var copy = dir.CopyFrom(dir.Combine("orig"), "copy-" + keep);
            foreach (var newer in snapshots.Where(z => z > keep))
            {
                File.Delete(Path.Combine(copy, "data", "version-2", DataDirFiles.MakeSnapshotName(newer)));
            }

            using var dataDir = new DataDirectory(Path.Combine(copy, "data"), Path.Combine(copy, "datalog"), Fast);
            var tree = new DataTree(extendedTypesEnabled: true);
            dataDir.Restore(tree, new Dictionary<long, int>());
            TreeAssert.Equal(live.Tree, tree);
        }
    }

    [Fact]
    public void Truncating_the_log_then_restoring_gives_the_tree_as_of_that_zxid()
    {
        using var dir = new TempDirectory();
        var replayTo = new Workload();
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            var live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            live.Varied();
            dataDir.TxnLog.Commit();
            long cut = live.Zxid - 5;
            foreach (var (h, r) in live.Txns.Where(t => t.Header.Zxid <= cut))
            {
                replayTo.Apply(h, r);
            }

            dataDir.TruncateLog(cut);
            Assert.Equal(cut, dataDir.LastLoggedZxid);
        }

        using var again = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        again.Restore(tree, new Dictionary<long, int>());
        TreeAssert.Equal(replayTo.Tree, tree);
    }
}
