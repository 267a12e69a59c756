using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>Transactions (multi) and batched reads (multiRead).</summary>
public abstract class MultiTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task A_transaction_applies_every_operation_and_returns_each_result()
    {
        await Client.CreateAsync(P("a"), Bytes("0"));
        var results = await Client.Transaction()
            .Check(P("a"), 0)
            .Create(P("b"), Bytes("b"))
            .Create(P("s-"), mode: CreateMode.PersistentSequential)
            .Create(P("t"), mode: CreateMode.PersistentWithTtl, ttl: 60_000)
            .Create(P("c"), mode: CreateMode.Container)
            .SetData(P("a"), Bytes("1"), 0)
            .Delete(P("b"))
            .CommitAsync();

        Assert.Equal(7, results.Count);
        Assert.IsType<CheckResult>(results[0]);
        var created = Assert.IsType<CreateResult>(results[1]);
        Assert.Equal(P("b"), created.Path);
        Assert.Matches(@"/s-\d{10}$", Assert.IsType<CreateResult>(results[2]).Path);
        var ttl = Assert.IsType<CreateResult>(results[3]);
        Assert.Equal(P("t"), ttl.Path);
        Assert.NotNull(ttl.Stat);
        Assert.Equal(P("c"), Assert.IsType<CreateResult>(results[4]).Path);
        Assert.Equal(1, Assert.IsType<SetDataResult>(results[5]).Stat.Version);
        Assert.IsType<DeleteResult>(results[6]);

        Assert.Equal("1", Text((await Client.GetDataAsync(P("a"))).Data));
        Assert.Null(await Client.ExistsAsync(P("b")));
        // All operations of a transaction share one zxid.
        Assert.Equal(ttl.Stat!.Value.Czxid, Assert.IsType<SetDataResult>(results[5]).Stat.Mzxid);
    }

    [Fact]
    public async Task A_failed_transaction_changes_nothing_and_reports_every_result()
    {
        await Client.CreateAsync(P("a"), Bytes("0"));
        var error = await Assert.ThrowsAsync<BadVersionException>(async () => await Client.Transaction()
            .Create(P("new"))
            .SetData(P("a"), Bytes("1"), version: 5)
            .Delete(P("a"))
            .CommitAsync());

        Assert.Equal(ErrorCode.BadVersion, error.Code);
        Assert.Equal(P("a"), error.Path);
        Assert.Equal(1, error.FailedOperationIndex);
        Assert.NotNull(error.Results);
        Assert.Equal(
            [ErrorCode.Ok, ErrorCode.BadVersion, ErrorCode.RuntimeInconsistency],
            error.Results.Select(r => Assert.IsType<ErrorResult>(r).Error));
        Assert.Null(await Client.ExistsAsync(P("new")));
        Assert.Equal(0, (await Client.ExistsAsync(P("a")))!.Value.Version);

        var exists = await Assert.ThrowsAsync<NodeExistsException>(async () => await Client.Transaction().Create(P("a")).CommitAsync());
        Assert.Equal(0, exists.FailedOperationIndex);
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.Transaction().Check(P("zz"), -1).CommitAsync());
    }

    [Fact]
    public async Task An_empty_transaction_does_nothing()
    {
        var transaction = Client.Transaction();
        Assert.Equal(0, transaction.Count);
        Assert.Empty(await transaction.CommitAsync());
        Assert.Throws<ArgumentException>(() => transaction.Create("bad"));
    }

    [Fact]
    public async Task MultiRead_returns_each_read_or_its_error()
    {
        await Client.CreateAsync(P("a"), Bytes("A"));
        await Client.CreateAsync(P("a/x"));
        var results = await Client.MultiReadAsync(
        [
            ReadOp.GetData(P("a")),
            ReadOp.GetChildren(P("a")),
            ReadOp.GetData(P("missing")),
            ReadOp.GetChildren(Root),
        ]);

        Assert.Equal(4, results.Count);
        var data = Assert.IsType<GetDataResult>(results[0]);
        Assert.Equal("A", Text(data.Data));
        Assert.Equal(1, data.Stat.NumChildren);
        Assert.Equal(["x"], Assert.IsType<GetChildrenResult>(results[1]).Children);
        Assert.Equal(ErrorCode.NoNode, Assert.IsType<ErrorResult>(results[2]).Error);
        Assert.Equal(["a"], Assert.IsType<GetChildrenResult>(results[3]).Children);
    }
}
