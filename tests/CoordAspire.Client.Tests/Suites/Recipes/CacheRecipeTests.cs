using CoordAspire.Client.Recipes;
using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>Tree and node caches: initial load, live changes through a persistent recursive watch, resync after a reconnect.</summary>
public abstract class CacheRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task The_tree_cache_loads_the_subtree_then_follows_every_change()
    {
        await Client.CreateAsync(P("t"), Bytes("root"));
        await Client.CreateAsync(P("t/a"), Bytes("a"));
        await Client.CreateAsync(P("t/a/b"), Bytes("b"));
        await Client.CreateAsync(P("t/c"), Bytes("c"));

        var events = new List<CacheEvent>();
        await using var cache = new TreeCache(await ConnectAsync(), P("t"));
        cache.Changed += (_, e) => { lock (events) { events.Add(e); } };
        await cache.StartAsync();

        Assert.True(cache.IsInitialized);
        Assert.Equal(4, cache.Count);
        Assert.Equal("b", Text(cache.Get(P("t/a/b"))!.Data));
        Assert.Equal([P("t/a"), P("t/c")], cache.GetChildren(P("t")).Select(n => n.Path));
        Assert.Equal(CacheEventType.Initialized, events[^1].Type);

        await Client.CreateAsync(P("t/a/d"), Bytes("d"));
        await Client.SetDataAsync(P("t/c"), Bytes("c2"));
        await Client.DeleteAsync(P("t/a/b"));
        await EventuallyAsync(() => cache.Get(P("t/a/b")) is null && cache.Get(P("t/c"))?.Data is [(byte)'c', (byte)'2'] && cache.Get(P("t/a/d")) is not null, "the cache caught up");

        CacheEvent[] live;
        lock (events)
        {
            live = [.. events.SkipWhile(e => e.Type != CacheEventType.Initialized).Skip(1)];
        }

        Assert.Equal(
            [(CacheEventType.Created, P("t/a/d")), (CacheEventType.Changed, P("t/c")), (CacheEventType.Deleted, P("t/a/b"))],
            live.Select(e => (e.Type, e.Path)));
        Assert.Equal("c", Text(live[1].Previous!.Data));
    }

    [Fact]
    public async Task The_tree_cache_resyncs_what_it_missed_while_disconnected()
    {
        await Client.CreateAsync(P("t"));
        await Client.CreateAsync(P("t/stays"), Bytes("1"));
        await Client.CreateAsync(P("t/goes"), Bytes("1"));
        var cacheClient = await ConnectAsync(new ZooKeeperClientOptions { ReconnectDelay = TimeSpan.FromSeconds(1) }, singleServer: true);
        await using var cache = new TreeCache(cacheClient, P("t"));
        await cache.StartAsync();
        using var cts = new CancellationTokenSource(Timeout);
        var events = cache.EventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask(); // subscribes now

        cacheClient.DropConnection();
        await WaitForStateAsync(cacheClient, ConnectionState.Disconnected);
        await Client.SetDataAsync(P("t/stays"), Bytes("2"));
        await Client.DeleteAsync(P("t/goes"));
        await Client.CreateAsync(P("t/new"), Bytes("n"));
        await Client.CreateAsync(P("t/new/deep"), Bytes("d"));

        await EventuallyAsync(
            () => cache.Get(P("t/goes")) is null && cache.Get(P("t/new/deep")) is not null && Text(cache.Get(P("t/stays"))!.Data) == "2",
            "the cache resynced after reconnecting");
        Assert.Equal(4, cache.Count);

        var seen = new HashSet<(CacheEventType, string?)>();
        while (seen.Count < 4 && await next)
        {
            seen.Add((events.Current.Type, events.Current.Path));
            next = events.MoveNextAsync().AsTask();
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await events.DisposeAsync();

        Assert.Contains((CacheEventType.Deleted, P("t/goes")), seen);
        Assert.Contains((CacheEventType.Changed, P("t/stays")), seen);
        Assert.Contains((CacheEventType.Created, P("t/new/deep")), seen);
    }

    [Fact]
    public async Task The_node_cache_follows_one_znode_as_it_comes_and_goes()
    {
        await using var cache = new NodeCache(await ConnectAsync(), P("config"));
        await cache.StartAsync();
        Assert.Null(cache.Current);

        await Client.CreateAsync(P("config"), Bytes("v1"));
        await EventuallyAsync(() => cache.Current is { } n && Text(n.Data) == "v1", "created");
        await Client.CreateAsync(P("config/child"));
        await Client.SetDataAsync(P("config"), Bytes("v2"));
        await EventuallyAsync(() => cache.Current is { } n && Text(n.Data) == "v2", "changed");
        Assert.Equal(1, cache.Current!.Stat.NumChildren);

        await Client.DeleteAsync(P("config/child"));
        await Client.DeleteAsync(P("config"));
        await EventuallyAsync(() => cache.Current is null, "deleted");
    }

    [Fact]
    public async Task A_disposed_cache_removes_its_watch()
    {
        var client = await ConnectAsync();
        var cache = new TreeCache(client, P("t"));
        await cache.StartAsync();
        await cache.DisposeAsync();

        // No watcher is left for the path: removing one fails with NoWatcher.
        await Assert.ThrowsAsync<NoWatcherException>(async () =>
            await client.RemoveAllWatchesAsync(P("t"), WatcherType.Any));
    }
}
