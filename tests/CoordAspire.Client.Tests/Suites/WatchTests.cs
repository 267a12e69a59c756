using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>ZooKeeper's watch semantics as the Java client implements them (ZKWatchManager): one-shot data, exist and
/// child watches, persistent and recursive watches, removal, and delivery order.</summary>
public abstract class WatchTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Data_watch_fires_once()
    {
        await Client.CreateAsync(P("d"), Bytes("1"));
        var log = new EventLog();
        await Client.GetDataAsync(P("d"), log.Watcher);

        await Client.SetDataAsync(P("d"), Bytes("2"));
        var changed = await log.NextAsync();
        Assert.Equal(EventType.NodeDataChanged, changed.Type);
        Assert.Equal(KeeperState.SyncConnected, changed.State);
        Assert.Equal(P("d"), changed.Path);

        await Client.SetDataAsync(P("d"), Bytes("3"));
        await Client.SyncAsync(P("d"));
        await Client.ExistsAsync(P("d"));
        Assert.Single(log.Events);
    }

    /// <summary>
    /// A notification carries the zxid of the change that fired it in its reply header, as ZooKeeper 3.9 sends it
    /// (WatchedEvent.getZxid); a 3.8 server sends -1 there, and the client passes on whatever the server said.
    /// </summary>
    [Fact]
    public async Task A_watch_event_carries_the_zxid_of_the_change_that_fired_it()
    {
        bool stamps = Server is not ApacheZooKeeperFixture;
        var data = new EventLog();
        var children = new EventLog();
        await Client.CreateAsync(P("z"), Bytes("1"));
        await Client.GetDataAsync(P("z"), data.Watcher);
        await Client.GetChildrenAsync(P("z"), children.Watcher);

        var set = await Client.SetDataAsync(P("z"), Bytes("2"));
        Assert.Equal(stamps ? set.Mzxid : -1, (await data.NextAsync()).Zxid);

        var (_, created) = await Client.CreateWithStatAsync(P("z/c"), Bytes("c"));
        Assert.Equal(stamps ? created.Czxid : -1, (await children.NextAsync()).Zxid);
    }

    [Fact]
    public async Task Exists_watch_fires_on_creation_and_on_deletion()
    {
        var created = new OneShotWatch();
        Assert.Null(await Client.ExistsAsync(P("e"), created));
        await Client.CreateAsync(P("e"));
        Assert.Equal(EventType.NodeCreated, (await created.Triggered.WaitAsync(Timeout)).Type);

        var deleted = new OneShotWatch();
        Assert.NotNull(await Client.ExistsAsync(P("e"), deleted));
        await Client.DeleteAsync(P("e"));
        Assert.Equal(EventType.NodeDeleted, (await deleted.Triggered.WaitAsync(Timeout)).Type);
    }

    [Fact]
    public async Task GetData_on_a_missing_node_sets_no_watch()
    {
        var log = new EventLog();
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.GetDataAsync(P("x"), log.Watcher));
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.GetChildrenAsync(P("x"), log.Watcher));
        await Client.CreateAsync(P("x"));
        await Client.SetDataAsync(P("x"), Bytes("1"));
        await Assert.ThrowsAsync<NoWatcherException>(async () => await Client.RemoveWatchesAsync(P("x"), log.Watcher, WatcherType.Any));
        Assert.Empty(log.Events);
    }

    [Fact]
    public async Task Child_watch_fires_for_children_and_for_deletion()
    {
        await Client.CreateAsync(P("p"));
        var children = new OneShotWatch();
        await Client.GetChildrenAsync(P("p"), children);
        await Client.SetDataAsync(P("p"), Bytes("data changes do not fire child watches"));
        await Client.CreateAsync(P("p/c"));
        var e = await children.Triggered.WaitAsync(Timeout);
        Assert.Equal(EventType.NodeChildrenChanged, e.Type);
        Assert.Equal(P("p"), e.Path);

        var gone = new OneShotWatch();
        await Client.GetChildrenWithStatAsync(P("p/c"), gone);
        await Client.DeleteAsync(P("p/c"));
        Assert.Equal(EventType.NodeDeleted, (await gone.Triggered.WaitAsync(Timeout)).Type);
    }

    [Fact]
    public async Task One_watcher_set_twice_fires_once_and_distinct_watchers_each_fire()
    {
        await Client.CreateAsync(P("n"));
        var shared = new EventLog();
        var other = new EventLog();
        await Client.GetDataAsync(P("n"), shared.Watcher);
        await Client.ExistsAsync(P("n"), shared.Watcher);
        await Client.GetDataAsync(P("n"), other.Watcher);

        await Client.SetDataAsync(P("n"), Bytes("x"));
        await shared.NextAsync();
        await other.NextAsync();
        await Client.SyncAsync(P("n"));
        await Task.Delay(100);
        Assert.Single(shared.Events);
        Assert.Single(other.Events);
    }

    [Fact]
    public async Task OneShotWatch_enumerates_to_its_event()
    {
        await Client.CreateAsync(P("n"));
        var watch = new OneShotWatch();
        await Client.GetDataAsync(P("n"), watch);
        await Client.DeleteAsync(P("n"));
        var seen = new List<WatchedEvent>();
        await foreach (var e in watch.WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            seen.Add(e);
        }

        Assert.Equal(EventType.NodeDeleted, Assert.Single(seen).Type);
    }

    [Fact]
    public async Task A_watch_fires_before_the_caller_sees_the_data_that_triggered_it()
    {
        await Client.CreateAsync(P("n"), Bytes("0"));
        var writer = await ConnectAsync();
        for (int i = 1; i <= 20; i++)
        {
            bool fired = false;
            await Client.GetDataAsync(P("n"), _ =>
            {
                Thread.Sleep(5); // a slow watcher must still run before the read below completes
                Volatile.Write(ref fired, true);
            });
            await writer.SetDataAsync(P("n"), Bytes(i.ToString()));
            string seen;
            do
            {
                seen = Text((await Client.GetDataAsync(P("n"))).Data);
            }
            while (seen != i.ToString());

            Assert.True(Volatile.Read(ref fired), $"round {i}: read the new data before the watch fired");
        }
    }

    [Fact]
    public async Task Persistent_watch_keeps_firing_for_the_node_and_its_children_list()
    {
        await Client.CreateAsync(P("p"));
        var log = new EventLog();
        await Client.AddWatchAsync(P("p"), AddWatchMode.Persistent, log.Watcher);

        await Client.SetDataAsync(P("p"), Bytes("1"));
        await Client.SetDataAsync(P("p"), Bytes("2"));
        await Client.CreateAsync(P("p/c"));
        await Client.SetDataAsync(P("p/c"), Bytes("not watched"));
        await Client.DeleteAsync(P("p/c"));
        await Client.DeleteAsync(P("p"));

        var events = await log.WaitForNodeEventsAsync(5);
        Assert.Equal(
            [EventType.NodeDataChanged, EventType.NodeDataChanged, EventType.NodeChildrenChanged, EventType.NodeChildrenChanged, EventType.NodeDeleted],
            events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(P("p"), e.Path));

        // Still registered after the node is gone: it fires again when the node comes back.
        await Client.CreateAsync(P("p"));
        Assert.Equal(EventType.NodeCreated, (await log.WaitForNodeEventsAsync(6))[5].Type);
    }

    [Fact]
    public async Task Recursive_watch_stream_sees_the_whole_subtree_in_order()
    {
        await Client.CreateAsync(P("r"));
        using var cts = new CancellationTokenSource(Timeout);
        var stream = Client.WatchAsync(P("r"), AddWatchMode.PersistentRecursive, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = stream.MoveNextAsync(); // starts the enumeration: the watch is added before the first event

        // The first MoveNextAsync returns only when an event arrives; make changes from another client meanwhile.
        var writer = await ConnectAsync();
        await WaitUntilServerHasWatchAsync();
        await writer.CreateAsync(P("r/a"));
        await writer.CreateAsync(P("r/a/b"), Bytes("1"));
        await writer.SetDataAsync(P("r/a/b"), Bytes("2"));
        await writer.DeleteAsync(P("r/a/b"));
        await writer.SetDataAsync(P("r"), Bytes("3"));

        var seen = new List<(EventType, string?)>();
        Assert.True(await first);
        seen.Add((stream.Current.Type, stream.Current.Path));
        while (seen.Count < 5 && await stream.MoveNextAsync())
        {
            seen.Add((stream.Current.Type, stream.Current.Path));
        }

        Assert.Equal(
        [
            (EventType.NodeCreated, P("r/a")),
            (EventType.NodeCreated, P("r/a/b")),
            (EventType.NodeDataChanged, P("r/a/b")),
            (EventType.NodeDeleted, P("r/a/b")),
            (EventType.NodeDataChanged, P("r")),
        ], seen);

        // Leaving the stream removes the watch here and on the server (Any: ZooKeeper 3.8 knows no persistent types there).
        await stream.DisposeAsync();
        Assert.False(Client.Watches.Contains(P("r"), null, WatcherType.Any));
        await Assert.ThrowsAsync<NoWatcherException>(async () => await Client.RemoveAllWatchesAsync(P("r"), WatcherType.Any));

        async Task WaitUntilServerHasWatchAsync()
        {
            var deadline = DateTime.UtcNow + Timeout;
            // The client registers the watch when the server's reply arrives: the server has it by then.
            while (!Client.Watches.Contains(P("r"), null, WatcherType.PersistentRecursive))
            {
                Assert.True(DateTime.UtcNow < deadline, "the recursive watch never reached the server");
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task RemoveWatches_removes_one_watcher_and_tells_it()
    {
        await Client.CreateAsync(P("n"));
        var removed = new EventLog();
        var kept = new EventLog();
        await Client.GetDataAsync(P("n"), removed.Watcher);
        await Client.GetDataAsync(P("n"), kept.Watcher);

        await Client.RemoveWatchesAsync(P("n"), removed.Watcher, WatcherType.Data);
        var e = await removed.NextAsync();
        Assert.Equal(EventType.DataWatchRemoved, e.Type);
        Assert.Equal(P("n"), e.Path);

        await Client.SetDataAsync(P("n"), Bytes("x"));
        Assert.Equal(EventType.NodeDataChanged, (await kept.NextAsync()).Type);
        Assert.Single(removed.Events);

        await Assert.ThrowsAsync<NoWatcherException>(async () => await Client.RemoveWatchesAsync(P("n"), removed.Watcher, WatcherType.Data));
    }

    [Fact]
    public async Task RemoveAllWatches_clears_every_kind()
    {
        await Client.CreateAsync(P("n"));
        var data = new EventLog();
        var child = new EventLog();
        var persistent = new EventLog();
        await Client.GetDataAsync(P("n"), data.Watcher);
        await Client.GetChildrenAsync(P("n"), child.Watcher);
        await Client.AddWatchAsync(P("n"), AddWatchMode.Persistent, persistent.Watcher);

        await Client.RemoveAllWatchesAsync(P("n"), WatcherType.Children);
        Assert.Equal(EventType.ChildWatchRemoved, (await child.NextAsync()).Type);

        await Client.RemoveAllWatchesAsync(P("n"), WatcherType.Any);
        Assert.Equal(EventType.DataWatchRemoved, (await data.NextAsync()).Type);
        Assert.Equal(EventType.PersistentWatchRemoved, (await persistent.NextAsync()).Type);

        await Client.SetDataAsync(P("n"), Bytes("x"));
        await Client.CreateAsync(P("n/c"));
        await Client.SyncAsync(P("n"));
        await Task.Delay(100);
        Assert.DoesNotContain(data.NodeEvents, e => e.Type is EventType.NodeDataChanged);
        Assert.Single(persistent.Events);
        Assert.Single(child.Events);
    }
}
