using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Records;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>Snapshots: round trips, validation and fallback to an older one, fuzzy writing under load.</summary>
public sealed class SnapshotTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 64 * 1024, ForceSync = false };

    [Fact]
    public void A_snapshot_round_trips_the_tree_and_sessions_exactly()
    {
        using var dir = new TempDirectory();
        var live = new Workload();
        live.Varied();
        var info = new DataDirectory(dir.Path, logOptions: Fast).Save(live.Tree, live.Sessions);
        Assert.Equal(DataDirFiles.MakeSnapshotName(live.Zxid), Path.GetFileName(info.Path));
        Assert.Equal(live.Tree.NodeCount, info.NodeCount);

        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        Assert.Equal(0, FileSnap.Deserialize(info.Path, tree, sessions));
        tree.LastProcessedZxid = live.Tree.LastProcessedZxid;
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);

        // The things that are easy to get wrong, spelled out.
        Assert.Null(tree.GetNode("/app/null")!.Data);
        Assert.Null(tree.GetNode("/app/empty")!.Data);
        Assert.Equal([], tree.GetNode("/app/other")!.Data!);
        Assert.Equal(live.Tree.GetNode("/app")!.Cversion, tree.GetNode("/app")!.Cversion);
        Assert.Equal(live.Tree.GetNode("/app")!.ToStat(), tree.GetNode("/app")!.ToStat());
        Assert.Equal(0x1000001, tree.GetNode("/app/eph")!.EphemeralOwner);
        Assert.Equal(0, tree.GetNode("/cont")!.ToStat().EphemeralOwner);
        Assert.Contains("/cont", tree.Containers);
        Assert.Contains("/ttl", tree.Ttls);
        Assert.Equal(Workload.Digest, tree.GetNode("/app/binary")!.Acl);
        Assert.Equal(-1, tree.GetNode(DataTree.ConfigZookeeper)!.Aversion);
    }

    [Fact]
    public void The_acl_map_names_each_distinct_list_once_and_open_acl_as_minus_one()
    {
        var map = new AclMap();
        Assert.Equal(AclMap.OpenUnsafeAclId, map.IdOf(Acls.OpenAclUnsafe));
        Assert.Equal(AclMap.OpenUnsafeAclId, map.IdOf([new Acl(CoordAspire.Protocol.Perms.All, Id.Anyone)]));
        Assert.Equal(1, map.IdOf(Acls.ReadAclUnsafe));
        Assert.Equal(2, map.IdOf(Workload.Digest));
        Assert.Equal(1, map.IdOf([new Acl(CoordAspire.Protocol.Perms.Read, new Id("world", "anyone"))]));
        Assert.Equal(2, map.Count);
        Assert.Same(Acls.OpenAclUnsafe, map.ListOf(-1));
        Assert.Null(map.ListOf(3));
    }

    [Fact]
    public void A_corrupt_snapshot_is_skipped_for_the_previous_one_and_a_longer_replay()
    {
        using var dir = new TempDirectory();
        var live = BuildWithTwoSnapshots(dir.Path, out var older, out var newer);

        // Flip one byte in the middle of the newest snapshot: its checksum no longer matches.
        var bytes = File.ReadAllBytes(newer.Path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(newer.Path, bytes);

        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        var result = dataDir.Restore(tree, sessions);
        Assert.Equal(older.Path, result.Snapshot);
        Assert.Equal(live.Zxid - older.Zxid, result.TxnsReplayed);
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("empty")]
    [InlineData("bad-magic")]
    [InlineData("bad-seal")]
    public void An_unfinished_or_foreign_snapshot_is_skipped(string damage)
    {
        using var dir = new TempDirectory();
        var live = BuildWithTwoSnapshots(dir.Path, out var older, out var newer);
        var bytes = File.ReadAllBytes(newer.Path);
        switch (damage)
        {
            case "truncated":
                bytes = bytes[..(bytes.Length * 2 / 3)];
                break;
            case "empty":
                bytes = [];
                break;
            case "bad-magic":
                bytes[0] = (byte)'X';
                break;
            case "bad-seal":
                bytes[^6] ^= 0x40; // a checksum byte
                break;
        }

        File.WriteAllBytes(newer.Path, bytes);
        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var result = dataDir.Restore(tree, new Dictionary<long, int>());
        Assert.Equal(older.Path, result.Snapshot);
        TreeAssert.Equal(live.Tree, tree);
    }

    [Fact]
    public void No_valid_snapshot_at_all_is_an_error()
    {
        using var dir = new TempDirectory();
        BuildWithTwoSnapshots(dir.Path, out var older, out var newer);
        foreach (var path in new[] { older.Path, newer.Path, Path.Combine(dir.Path, "version-2", "snapshot.0") })
        {
            var bytes = File.ReadAllBytes(path);
            bytes[20] ^= 0xff;
            File.WriteAllBytes(path, bytes);
        }

        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        Assert.Throws<InvalidDataException>(() => dataDir.Restore(new DataTree(), new Dictionary<long, int>()));
    }

    [Theory]
    [InlineData("gz")]
    [InlineData("snappy")]
    public void A_compressed_snapshot_is_refused_with_a_clear_error(string extension)
    {
        using var dir = new TempDirectory();
        BuildWithTwoSnapshots(dir.Path, out _, out var newer);
        File.Move(newer.Path, newer.Path + "." + extension);
        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        var e = Assert.Throws<NotSupportedException>(() => dataDir.Restore(new DataTree(), new Dictionary<long, int>()));
        Assert.Contains("compressed snapshot", e.Message);
        Assert.Contains("zookeeper.snapshot.compression.method=" + extension, e.Message);
    }

    [Fact]
    public void A_snapshot_with_a_ZooKeeper_digest_and_second_seal_is_read_and_both_seals_checked()
    {
        using var dir = new TempDirectory();
        var live = new Workload();
        live.Varied();
        var info = new DataDirectory(dir.Path, logOptions: Fast).Save(live.Tree, live.Sessions);

        // Append what ZooKeeper 3.8 writes after the first seal: ZxidDigest, then a seal over the whole file.
        var bytes = File.ReadAllBytes(info.Path).ToList();
        var digest = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new Protocol.Jute.JuteWriter(digest);
        writer.WriteLong(live.Zxid);
        writer.WriteInt(2);
        writer.WriteLong(0x0123456789L);
        bytes.AddRange(digest.WrittenSpan.ToArray());
        var seal = new System.Buffers.ArrayBufferWriter<byte>();
        new Protocol.Jute.JuteWriter(seal).WriteLong(Adler32.Compute(bytes.ToArray()));
        new Protocol.Jute.JuteWriter(seal).WriteString("/");
        bytes.AddRange(seal.WrittenSpan.ToArray());
        File.WriteAllBytes(info.Path, bytes.ToArray());

        var tree = new DataTree(extendedTypesEnabled: true);
        FileSnap.Deserialize(info.Path, tree, new Dictionary<long, int>());
        tree.LastProcessedZxid = live.Zxid;
        TreeAssert.Equal(live.Tree, tree);

        var broken = bytes.ToArray();
        broken[^20] ^= 1; // inside the digest: the second seal fails
        File.WriteAllBytes(info.Path, broken);
        Assert.Throws<InvalidDataException>(() => FileSnap.Deserialize(info.Path, new DataTree(extendedTypesEnabled: true), new Dictionary<long, int>()));
    }

    [Fact]
    public void A_node_naming_an_acl_missing_from_the_map_loads_and_replay_fixes_it()
    {
        // ZooKeeper writes its ACL map before its fuzzy nodes: a node whose ACL was set meanwhile names an id the
        // map lacks. Build such a file by hand: map {1: READ}, node /a naming ACL 7.
        using var dir = new TempDirectory();
        var path = dir.Combine("snapshot.3");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new Protocol.Jute.JuteWriter(buffer);
        FileHeader.Snapshot.Write(buffer.GetSpan(16));
        buffer.Advance(16);
        w.WriteInt(0);
        w.WriteInt(1);
        w.WriteLong(1);
        Acl.WriteList(w, Acls.ReadAclUnsafe);
        foreach (var (p, acl) in new[] { ("", -1L), ("/a", 7L) })
        {
            w.WriteString(p);
            w.WriteBuffer([]);
            w.WriteLong(acl);
            new StatPersisted(1, 1, 0, 0, 0, 0, 0, 0, 1).Write(w);
        }

        w.WriteString("/");
        long sum = Adler32.Compute(buffer.WrittenSpan);
        w.WriteLong(sum);
        w.WriteString("/");
        File.WriteAllBytes(path, buffer.WrittenSpan.ToArray());

        var tree = new DataTree();
        Assert.Equal(1, FileSnap.Deserialize(path, tree, new Dictionary<long, int>()));
        Assert.Empty(tree.GetNode("/a")!.Acl);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 7)]
    [InlineData(4, 1)]
    [InlineData(5, 50)]
    public async Task A_fuzzy_snapshot_written_in_chunks_between_transactions_restores_the_final_tree(int seed, int chunk)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var deleted = new List<string>();
        Workload live;
        SnapshotInfo fuzzy;
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            live.Varied();
            for (int i = 0; i < 300; i++)
            {
                live.RandomOperation(random, deleted);
            }

            dataDir.TxnLog.Commit();

            // The request loop: a few nodes of the snapshot, then a batch of transactions, and again.
            using var writer = dataDir.BeginSnapshot(live.Tree, live.Sessions);
            dataDir.TxnLog.RollLog();
            while (!writer.WriteChunk(chunk))
            {
                for (int i = random.Next(4); i > 0; i--)
                {
                    live.RandomOperation(random, deleted);
                }

                dataDir.TxnLog.Commit();
            }

            var completing = writer.CompleteAsync();
            for (int i = 0; i < 20; i++)
            {
                live.RandomOperation(random, deleted);
            }

            dataDir.TxnLog.Commit();
            fuzzy = await completing;
            for (int i = 0; i < 20; i++)
            {
                live.RandomOperation(random, deleted);
            }

            dataDir.TxnLog.Commit();
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "version-2"), "tmp.*"));
        using var restoreDir = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        var result = restoreDir.Restore(tree, sessions);
        Assert.Equal(fuzzy.Path, result.Snapshot);
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);
    }

    [Fact]
    public void An_abandoned_snapshot_leaves_no_files()
    {
        using var dir = new TempDirectory();
        var live = new Workload();
        live.Varied();
        using (var writer = SnapshotWriter.Begin(dir.Path, live.Tree, live.Sessions))
        {
            writer.WriteChunk(5);
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public async Task A_snapshot_abandoned_while_its_thread_writes_is_never_renamed_into_place_unless_it_already_was(int delayMs)
    {
        // What a TRUNC or SNAP from a leader needs: once Abandon returns, no snapshot of the old tree can appear.
        using var dir = new TempDirectory();
        var live = new Workload();
        for (int i = 0; i < 5_000; i++)
        {
            live.Create($"/n{i}", new byte[100]);
        }

        var writer = SnapshotWriter.Begin(dir.Path, live.Tree, live.Sessions, new SnapshotWriterOptions { Fsync = false, WriteSize = 4096 });
        var completing = writer.CompleteAsync();
        await Task.Delay(delayMs);
        bool abandoned = writer.Abandon();
        bool renamed = File.Exists(writer.FinalPath);
        try
        {
            await completing;
            Assert.False(abandoned, "abandoned, yet the snapshot was completed");
        }
        catch (OperationCanceledException)
        {
            Assert.True(abandoned);
            Assert.False(renamed);
        }

        Assert.Equal(!abandoned, File.Exists(writer.FinalPath));
        Assert.Empty(Directory.GetFiles(dir.Path, SnapshotWriter.TempPrefix + "*"));
    }

    /// <summary>snapshot.0, transactions, a snapshot, more, a second snapshot, more; the log rolled at each.</summary>
    internal static Workload BuildWithTwoSnapshots(string path, out SnapshotInfo older, out SnapshotInfo newer)
    {
        using var dataDir = new DataDirectory(path, logOptions: Fast);
        var live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
        dataDir.Restore(live.Tree, live.Sessions);
        var random = new Random(42);
        var deleted = new List<string>();
        live.Varied();
        dataDir.TxnLog.Commit();
        older = dataDir.Save(live.Tree, live.Sessions);
        dataDir.TxnLog.RollLog();
        for (int i = 0; i < 100; i++)
        {
            live.RandomOperation(random, deleted);
        }

        dataDir.TxnLog.Commit();
        newer = dataDir.Save(live.Tree, live.Sessions);
        dataDir.TxnLog.RollLog();
        for (int i = 0; i < 50; i++)
        {
            live.RandomOperation(random, deleted);
        }

        dataDir.TxnLog.Commit();
        return live;
    }
}
