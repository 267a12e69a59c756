using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Database.Tests;

/// <summary>The tree's side of a fuzzy snapshot (DataTree.Snapshot.cs): the capture, and the fields read off the loop.</summary>
public class SnapshotCaptureTests
{
    [Fact]
    public void The_capture_holds_every_node_under_its_path_and_nothing_else()
    {
        var tree = new DataTree();
        long zxid = 0;
        for (int i = 0; i < 50; i++)
        {
            Create(tree, ++zxid, $"/n{i}");
            Create(tree, ++zxid, $"/n{i}/child");
        }

        tree.ProcessTxn(new TxnHeader(1, 1, ++zxid, 0, OpCode.Delete), new DeleteTxn("/n7/child"));
        var nodes = new KeyValuePair<string, DataNode>[tree.NodeCount + 3];
        int count = tree.CopyNodesTo(nodes);

        Assert.Equal(tree.NodeCount, count);
        Assert.All(nodes[count..], kv => Assert.Null(kv.Key));
        Assert.Equal(
            tree.AllNodes.Select(kv => kv.Key).Order(StringComparer.Ordinal),
            nodes[..count].Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.All(nodes[..count], kv => Assert.Same(tree.GetNode(kv.Key), kv.Value));
    }

    [Fact]
    public void A_fresh_tree_lists_its_system_nodes_in_the_order_of_Apache_ZooKeepers_snapshot_0()
    {
        var nodes = new KeyValuePair<string, DataNode>[4];
        new DataTree().CopyNodesTo(nodes);
        Assert.Equal(["/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"], nodes.Select(kv => kv.Key));
    }

    [Fact]
    public void The_fuzzy_read_of_a_stat_is_the_persisted_stat_when_nothing_changes_it()
    {
        var tree = new DataTree();
        Create(tree, 1, "/p");
        Create(tree, 2, "/p/a");
        Create(tree, 3, "/p/b");
        tree.ProcessTxn(new TxnHeader(1, 1, 4, 0, OpCode.Delete), new DeleteTxn("/p/a"));
        tree.ProcessTxn(new TxnHeader(1, 1, 5, 9, OpCode.SetData), new SetDataTxn("/p", [1], 1));
        var node = tree.GetNode("/p")!;

        Assert.Equal(node.ToStatPersisted(), node.ReadStatPersistedFuzzy());
        Assert.Equal(new StatPersisted(1, 5, 0, 9, 1, 2, 0, 0, 4), node.ReadStatPersistedFuzzy());
    }

    [Fact]
    public void A_child_created_moves_cversion_and_pzxid_together()
    {
        var node = new DataNode(null, Acls.OpenAclUnsafe, czxid: 1, ctime: 0, ephemeralOwner: 0);
        node.SetChildCreated(cversion: 3, zxid: 0x42);
        Assert.Equal(3, node.ReadStatPersistedFuzzy().Cversion);
        Assert.Equal(0x42, node.ReadStatPersistedFuzzy().Pzxid);
    }

    [Theory]
    [InlineData("/a", "appears twice")]
    [InlineData("/x/y", "unable to find parent /x of path /x/y")]
    [InlineData("rel", "not an absolute path")]
    public void Restoring_a_node_twice_without_its_parent_or_with_a_relative_path_is_refused_and_leaves_no_trace(string path, string error)
    {
        var tree = new DataTree();
        tree.ClearForRestore();
        var stat = new StatPersisted(1, 1, 0, 0, 0, 0, 0, 0, 1);
        tree.RestoreNode("", [], Acls.OpenAclUnsafe, stat);
        tree.RestoreNode("/a", [], Acls.OpenAclUnsafe, stat);
        var e = Assert.Throws<InvalidDataException>(() => tree.RestoreNode(path, [], Acls.OpenAclUnsafe, stat));
        Assert.Contains(error, e.Message);
        Assert.Equal(2, tree.NodeCount);
        Assert.Equal(["a"], tree.GetNode("/")!.Children);
    }

    private static void Create(DataTree tree, long zxid, string path)
    {
        var result = tree.ProcessTxn(new TxnHeader(1, 1, zxid, 0, OpCode.Create), new CreateTxn(path, null, Acls.OpenAclUnsafe, false, -1));
        Assert.Equal(ErrorCode.Ok, result.Err);
    }
}
