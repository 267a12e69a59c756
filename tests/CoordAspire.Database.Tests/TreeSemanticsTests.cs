using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

public class TreeSemanticsTests
{
    private readonly ProcessorHarness _harness = new();

    [Fact]
    public void System_nodes_exist()
    {
        var tree = _harness.Processor.Tree;
        Assert.NotNull(tree.GetNode("/zookeeper"));
        Assert.NotNull(tree.GetNode("/zookeeper/quota"));
        Assert.NotNull(tree.GetNode("/zookeeper/config"));
        Assert.Equal(1, tree.GetNode("/")!.ChildCount);
    }

    [Fact]
    public void Sequential_suffix_is_the_parents_cversion()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/q");
        _harness.Create(c, "/q/x");
        _harness.Send(c, OpCode.Delete, new DeleteRequest("/q/x", -1));
        Assert.Equal(ErrorCode.Ok, _harness.Create(c, "/q/item-", mode: CreateMode.PersistentSequential));
        Assert.Equal("/q/item-0000000001", _harness.CreatedPath(c));
        Assert.Equal(ErrorCode.Ok, _harness.Create(c, "/q/", mode: CreateMode.PersistentSequential));
        Assert.Equal("/q/0000000002", _harness.CreatedPath(c));
    }

    [Fact]
    public void Create_bumps_parent_cversion_and_pzxid_delete_only_pzxid()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/p");
        var before = _harness.Stat(c, "/p");
        _harness.Create(c, "/p/a");
        var created = _harness.Stat(c, "/p/a");
        var afterCreate = _harness.Stat(c, "/p");
        Assert.Equal(before.Cversion + 1, afterCreate.Cversion);
        Assert.Equal(created.Czxid, afterCreate.Pzxid);
        Assert.Equal(1, afterCreate.NumChildren);

        _harness.Send(c, OpCode.Delete, new DeleteRequest("/p/a", -1));
        var afterDelete = _harness.Stat(c, "/p");
        // Clients see cversion count deletes too: 2 × creates − children present (DataNode.copyStat).
        Assert.Equal(afterCreate.Cversion + 1, afterDelete.Cversion);
        Assert.True(afterDelete.Pzxid > afterCreate.Pzxid);
        Assert.Equal(0, afterDelete.NumChildren);
    }

    [Fact]
    public void Versions_are_checked_and_absolute()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/v", "a");
        Assert.Equal(ErrorCode.BadVersion, _harness.Send(c, OpCode.SetData, new SetDataRequest("/v", "b"u8.ToArray(), 5)).Header.Err);
        var reply = _harness.Send(c, OpCode.SetData, new SetDataRequest("/v", "b"u8.ToArray(), 0));
        Assert.Equal(ErrorCode.Ok, reply.Header.Err);
        var stat = ProcessorHarness.Decode(reply.Body, StatResponse.Read).Stat;
        Assert.Equal(1, stat.Version);
        Assert.Equal(1, stat.DataLength);
        Assert.True(stat.Mzxid > stat.Czxid);
        Assert.Equal(ErrorCode.BadVersion, _harness.Send(c, OpCode.Delete, new DeleteRequest("/v", 0)).Header.Err);
        Assert.Equal(ErrorCode.Ok, _harness.Send(c, OpCode.Delete, new DeleteRequest("/v", 1)).Header.Err);
    }

    [Fact]
    public void Errors_are_ZooKeepers()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/e", mode: CreateMode.Ephemeral);
        _harness.Create(c, "/n");
        _harness.Create(c, "/n/child");
        Assert.Equal(ErrorCode.NoNode, _harness.Create(c, "/missing/x"));
        Assert.Equal(ErrorCode.NodeExists, _harness.Create(c, "/n"));
        Assert.Equal(ErrorCode.NoChildrenForEphemerals, _harness.Create(c, "/e/x"));
        Assert.Equal(ErrorCode.NotEmpty, _harness.Send(c, OpCode.Delete, new DeleteRequest("/n", -1)).Header.Err);
        // As in ZooKeeper, the parent is looked up before the full path is validated.
        Assert.Equal(ErrorCode.NoNode, _harness.Create(c, "/a//b"));
        Assert.Equal(ErrorCode.BadArguments, _harness.Create(c, "/n/"));
        Assert.Equal(ErrorCode.BadArguments, _harness.Create(c, "relative"));
        Assert.Equal(ErrorCode.BadArguments, _harness.Create(c, "/n/a\0b"));
        Assert.Equal(ErrorCode.BadArguments, _harness.Send(c, OpCode.Delete, new DeleteRequest("/zookeeper", -1)).Header.Err);
        Assert.Equal(ErrorCode.BadArguments, _harness.Send(c, OpCode.Create, new CreateRequest("/bad", [], [.. Acls.OpenAclUnsafe], 42)).Header.Err);
        Assert.Equal(ErrorCode.InvalidAcl, _harness.Send(c, OpCode.Create, new CreateRequest("/noacl", [], [], 0)).Header.Err);
        Assert.Equal(ErrorCode.NoNode, _harness.Send(c, OpCode.GetData, new PathWatchRequest("/nope", false)).Header.Err);
        Assert.Equal(ErrorCode.ReconfigDisabled, _harness.Send(c, OpCode.Reconfig, new ReconfigRequest(null, null, "server.1=x:1:2", -1)).Header.Err);
    }

    [Fact]
    public void Failed_requests_still_consume_a_zxid_as_in_ZooKeeper()
    {
        var c = _harness.Connect();
        long before = _harness.Processor.Tree.LastProcessedZxid;
        _harness.Create(c, "/missing/x");
        Assert.Equal(before + 1, _harness.Processor.Tree.LastProcessedZxid);
        Assert.Equal(before + 1, c.Last.Header.Zxid);
    }

    [Fact]
    public void Unknown_opcode_is_unimplemented_and_closes_the_connection()
    {
        var c = _harness.Connect();
        var reply = _harness.SendRaw(c, (OpCode)999, []);
        Assert.Equal(ErrorCode.Unimplemented, reply.Header.Err);
        Assert.NotNull(c.ClosedReason);
    }

    [Fact]
    public void Malformed_body_is_a_marshalling_error_and_the_connection_stays()
    {
        var c = _harness.Connect();
        Assert.Equal(ErrorCode.MarshallingError, _harness.SendRaw(c, OpCode.GetData, [0, 0, 0, 9, 1]).Header.Err);
        Assert.Equal(ErrorCode.MarshallingError, _harness.SendRaw(c, OpCode.Create, [0xff, 0, 0, 9]).Header.Err);
        Assert.Null(c.ClosedReason);
        Assert.Equal(ErrorCode.Ok, _harness.Create(c, "/fine"));
    }

    [Fact]
    public void Containers_are_reaped_once_emptied_but_not_before_use()
    {
        var c = _harness.Connect(timeout: 40000);
        _harness.Send(c, OpCode.CreateContainer, new CreateRequest("/c", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Container));
        var stat = ProcessorHarness.Decode(c.Last.Body, Create2Response.Read).Stat;
        Assert.Equal(0, stat.EphemeralOwner);
        Assert.Equal(long.MinValue, _harness.Processor.Tree.GetNode("/c")!.EphemeralOwner);
        _harness.Advance(1500);
        Assert.NotNull(_harness.Processor.Tree.GetNode("/c"));
        _harness.Create(c, "/c/child");
        _harness.Send(c, OpCode.Delete, new DeleteRequest("/c/child", -1));
        _harness.Advance(1500);
        Assert.Null(_harness.Processor.Tree.GetNode("/c"));
    }

    [Fact]
    public void Ttl_nodes_expire_after_their_ttl_without_children()
    {
        var c = _harness.Connect(timeout: 40000);
        var reply = _harness.Send(c, OpCode.CreateTtl, new CreateTtlRequest("/t", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.PersistentWithTtl, 2000));
        Assert.Equal(ErrorCode.Ok, reply.Header.Err);
        var stat = ProcessorHarness.Decode(reply.Body, Create2Response.Read).Stat;
        Assert.Equal(0, stat.EphemeralOwner);
        Assert.Equal(unchecked((long)0xff000000000007d0UL), _harness.Processor.Tree.GetNode("/t")!.EphemeralOwner);
        _harness.Advance(1100);
        Assert.NotNull(_harness.Processor.Tree.GetNode("/t"));
        _harness.Advance(1100);
        Assert.Null(_harness.Processor.Tree.GetNode("/t"));
    }

    [Fact]
    public void Ttl_requires_extended_types_and_a_valid_ttl()
    {
        var plain = new ProcessorHarness(new Processing.ServerSettings());
        var c = plain.Connect();
        Assert.Equal(ErrorCode.Unimplemented, plain.Send(c, OpCode.CreateTtl, new CreateTtlRequest("/t", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.PersistentWithTtl, 100)).Header.Err);
        var d = _harness.Connect();
        Assert.Equal(ErrorCode.BadArguments, _harness.Send(d, OpCode.CreateTtl, new CreateTtlRequest("/t", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.PersistentWithTtl, 0)).Header.Err);
        Assert.Equal(ErrorCode.BadArguments, _harness.Send(d, OpCode.CreateTtl, new CreateTtlRequest("/t", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent, 100)).Header.Err);
    }

    [Fact]
    public void GetAllChildrenNumber_and_getEphemerals()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/a");
        _harness.Create(c, "/a/b");
        _harness.Create(c, "/a/b/c", mode: CreateMode.Ephemeral);
        _harness.Create(c, "/x", mode: CreateMode.Ephemeral);
        var count = _harness.Send(c, OpCode.GetAllChildrenNumber, new PathRequest("/a"));
        Assert.Equal(2, ProcessorHarness.Decode(count.Body, IntResponse.Read).Value);
        var eph = _harness.Send(c, OpCode.GetEphemerals, new PathRequest("/a"));
        Assert.Equal(["/a/b/c"], ProcessorHarness.Decode(eph.Body, StringListResponse.Read).Items);
        var all = _harness.Send(c, OpCode.GetEphemerals, new PathRequest("/"));
        Assert.Equal(2, ProcessorHarness.Decode(all.Body, StringListResponse.Read).Items.Count);
    }
}
