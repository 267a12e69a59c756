using CoordAspire.Database.Tree;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>The snapshot body a leader streams after SNAP (<see cref="SnapshotStream"/>).</summary>
public sealed class SnapshotStreamTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 64 * 1024, ForceSync = false };

    [Fact]
    public void The_body_round_trips_the_tree_and_sessions_exactly()
    {
        var live = new Workload();
        live.Varied();
        var body = SnapshotStream.Serialize(live.Tree, live.Sessions);

        var tree = new DataTree(extendedTypesEnabled: true);
        tree.RestoreNode("/stale", null, [], default); // what was there before is replaced
        var sessions = new Dictionary<long, int>();
        Assert.Equal(0, SnapshotStream.Deserialize(body, live.Tree.LastProcessedZxid, tree, sessions));
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);
        Assert.Contains("/cont", tree.Containers);
        Assert.Contains("/ttl", tree.Ttls);
    }

    [Fact]
    public void The_body_is_the_file_snapshot_between_its_header_and_its_checksum()
    {
        using var dir = new TempDirectory();
        var live = new Workload();
        live.Varied();
        var info = new DataDirectory(dir.Path, logOptions: Fast).Save(live.Tree, live.Sessions);
        var file = File.ReadAllBytes(info.Path);

        // FileHeader (16 bytes) ... body ... long checksum, string "/" (SnapStream.sealStream).
        var fileBody = file.AsSpan(FileHeader.Size, file.Length - FileHeader.Size - 8 - FileSnap.SealPathSize);
        Assert.Equal(fileBody.ToArray(), SnapshotStream.Serialize(live.Tree, live.Sessions));
    }

    [Fact]
    public void A_fresh_tree_serializes_to_its_system_nodes()
    {
        var tree = new DataTree();
        var body = SnapshotStream.Serialize(tree, []);
        var copy = new DataTree();
        SnapshotStream.Deserialize(body, 0, copy, new Dictionary<long, int>());
        TreeAssert.Equal(tree, copy);
        Assert.NotNull(copy.GetNode(DataTree.ConfigZookeeper));
    }

    [Fact]
    public void Truncated_or_overlong_bodies_are_refused()
    {
        var live = new Workload();
        live.Varied();
        var body = SnapshotStream.Serialize(live.Tree, live.Sessions);
        foreach (int cut in new[] { 0, 3, 4, body.Length / 2, body.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => SnapshotStream.Deserialize(body.AsSpan(0, cut), 1, new DataTree(), new Dictionary<long, int>()));
        }

        Assert.Throws<InvalidDataException>(() => SnapshotStream.Deserialize([.. body, 0], 1, new DataTree(), new Dictionary<long, int>()));
    }

    [Fact]
    public void A_node_whose_acl_is_missing_from_the_map_is_counted_and_gets_an_empty_acl()
    {
        var tree = new DataTree();
        tree.ClearForRestore();
        tree.RestoreNode("/", null, Workload.Digest, default);
        var body = SnapshotStream.Serialize(tree, []);

        // The map has one entry (id 1, the digest ACL): drop it, as a fuzzy snapshot may lack an ACL.
        var mapStart = 4;
        var entryLength = 4 + 8 + 4 + Workload.Digest.Sum(a => 4 + 4 + a.Id.Scheme.Length + 4 + a.Id.Ident.Length);
        var edited = body[..mapStart].Concat(new byte[4]).Concat(body[(mapStart + entryLength)..]).ToArray();
        var copy = new DataTree();
        Assert.Equal(1, SnapshotStream.Deserialize(edited, 5, copy, new Dictionary<long, int>()));
        Assert.Empty(copy.GetNode("/")!.Acl);
        Assert.Equal(5, copy.LastProcessedZxid);
    }
}
