using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>A chrooted client sees only its subtree, with paths relative to it, in results, errors and events.</summary>
public abstract class ChrootTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Paths_in_and_out_are_relative_to_the_chroot()
    {
        var rooted = await ConnectAsync(chroot: Root);
        Assert.Equal(Root, rooted.ChrootPath);

        Assert.Equal("/a", await rooted.CreateAsync("/a", Bytes("1")));
        Assert.NotNull(await Client.ExistsAsync(P("a")));
        Assert.Equal("1", Text((await rooted.GetDataAsync("/a")).Data));

        string seq = await rooted.CreateAsync("/a/s-", mode: CreateMode.EphemeralSequential);
        Assert.Matches(@"^/a/s-\d{10}$", seq);
        Assert.Equal([seq], await rooted.GetEphemeralsAsync("/"));

        var (path, _) = await rooted.CreateWithStatAsync("/b", mode: CreateMode.Container);
        Assert.Equal("/b", path);

        Assert.Equal(["a", "b"], (await rooted.GetChildrenAsync("/")).Order(StringComparer.Ordinal));
        Assert.NotNull(await rooted.ExistsAsync("/"));

        var error = await Assert.ThrowsAsync<NoNodeException>(async () => await rooted.GetDataAsync("/missing"));
        Assert.Equal("/missing", error.Path);

        var results = await rooted.Transaction().Create("/m").SetData("/a", Bytes("2")).CommitAsync();
        Assert.Equal("/m", Assert.IsType<CreateResult>(results[0]).Path);
    }

    [Fact]
    public async Task Watch_events_carry_client_paths()
    {
        var rooted = await ConnectAsync(chroot: Root);
        var watch = new OneShotWatch();
        Assert.Null(await rooted.ExistsAsync("/w", watch));
        var children = new OneShotWatch();
        await rooted.GetChildrenAsync("/", children);

        await Client.CreateAsync(P("w"));

        var created = await watch.Triggered.WaitAsync(Timeout);
        Assert.Equal(new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/w"), created with { Zxid = -1 });
        Assert.Equal("/", (await children.Triggered.WaitAsync(Timeout)).Path);

        var log = new EventLog();
        await rooted.AddWatchAsync("/", AddWatchMode.PersistentRecursive, log.Watcher);
        await Client.SetDataAsync(P("w"), Bytes("x"));
        var changed = await log.NextAsync();
        Assert.Equal(EventType.NodeDataChanged, changed.Type);
        Assert.Equal("/w", changed.Path);
    }
}
