using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>The client-side triggering table of ZKWatchManager.materialize, one row per event type.</summary>
public sealed class WatchManagerTests
{
    private static readonly Action<WatchedEvent> Data = _ => { };
    private static readonly Action<WatchedEvent> Exist = _ => { };
    private static readonly Action<WatchedEvent> Child = _ => { };
    private static readonly Action<WatchedEvent> Persistent = _ => { };
    private static readonly Action<WatchedEvent> Recursive = _ => { };

    private static ClientWatchManager Filled()
    {
        var watches = new ClientWatchManager();
        watches.Register(WatchKind.Data, "/a/b", Data, ErrorCode.Ok);
        watches.Register(WatchKind.Exists, "/a/b", Exist, ErrorCode.NoNode);
        watches.Register(WatchKind.Child, "/a/b", Child, ErrorCode.Ok);
        watches.Register(WatchKind.Persistent, "/a/b", Persistent, ErrorCode.Ok);
        watches.Register(WatchKind.PersistentRecursive, "/a", Recursive, ErrorCode.Ok);
        return watches;
    }

    public static TheoryData<EventType, string[]> Triggers => new()
    {
        { EventType.NodeCreated, ["Data", "Exist", "Persistent", "Recursive"] },
        { EventType.NodeDataChanged, ["Data", "Exist", "Persistent", "Recursive"] },
        { EventType.NodeChildrenChanged, ["Child", "Persistent"] },
        { EventType.NodeDeleted, ["Data", "Exist", "Child", "Persistent", "Recursive"] },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Materialize_follows_ZKWatchManager(EventType type, string[] expected)
    {
        var watches = Filled();
        Assert.Equal(expected.Order(), Names(watches.Materialize(type, "/a/b")).Order());

        // One-shot watches are gone after firing; persistent ones stay.
        var again = Names(watches.Materialize(type, "/a/b"));
        Assert.Equal(expected.Where(n => n is "Persistent" or "Recursive").Order(), again.Order());
    }

    [Fact]
    public void Recursive_watches_match_descendants_but_not_siblings()
    {
        var watches = Filled();
        Assert.Equal(["Recursive"], Names(watches.Materialize(EventType.NodeCreated, "/a/x/y")));
        Assert.Equal(["Recursive"], Names(watches.Materialize(EventType.NodeDeleted, "/a")));
        Assert.Empty(Names(watches.Materialize(EventType.NodeCreated, "/ab")));
        Assert.Empty(Names(watches.Materialize(EventType.NodeChildrenChanged, "/a")));
    }

    [Fact]
    public void Registration_depends_on_the_result()
    {
        var watches = new ClientWatchManager();
        watches.Register(WatchKind.Data, "/n", Data, ErrorCode.NoNode);
        watches.Register(WatchKind.Child, "/n", Child, ErrorCode.NoNode);
        watches.Register(WatchKind.Exists, "/n", Exist, ErrorCode.NoAuth);
        Assert.True(watches.IsEmpty);

        watches.Register(WatchKind.Exists, "/n", Exist, ErrorCode.Ok);
        var (data, exist, _, _, _) = watches.Snapshot();
        Assert.Equal(["/n"], data);
        Assert.Empty(exist);
    }

    [Fact]
    public void Deregistration_removes_by_type_and_reports_no_watcher()
    {
        var watches = Filled();
        Assert.Equal(ErrorCode.NoWatcher, watches.Deregister(new WatchDeregistration("/zz", null, WatcherType.Any, false), ErrorCode.Ok, Dispatcher()));
        Assert.Equal(ErrorCode.NoNode, watches.Deregister(new WatchDeregistration("/a/b", null, WatcherType.Any, false), ErrorCode.NoNode, Dispatcher()));

        Assert.Equal(ErrorCode.Ok, watches.Deregister(new WatchDeregistration("/a/b", Data, WatcherType.Data, false), ErrorCode.Ok, Dispatcher()));
        Assert.False(watches.Contains("/a/b", Data, WatcherType.Data));
        Assert.True(watches.Contains("/a/b", Exist, WatcherType.Data));

        // local: removed even though the server could not be asked.
        Assert.Equal(ErrorCode.Ok, watches.Deregister(new WatchDeregistration("/a/b", null, WatcherType.Any, true), ErrorCode.ConnectionLoss, Dispatcher()));
        Assert.False(watches.Contains("/a/b", null, WatcherType.Any));
        Assert.True(watches.Contains("/a", Recursive, WatcherType.PersistentRecursive));
    }

    [Fact]
    public void All_is_every_distinct_watcher()
    {
        var watches = Filled();
        watches.Register(WatchKind.Data, "/other", Data, ErrorCode.Ok);
        Assert.Equal(5, watches.All().Count);
        watches.Clear();
        Assert.True(watches.IsEmpty);
    }

    private static EventDispatcher Dispatcher() => new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private static List<string> Names(HashSet<Action<WatchedEvent>>? watchers) =>
        watchers is null ? [] : watchers.Select(w =>
            w == Data ? "Data" : w == Exist ? "Exist" : w == Child ? "Child" : w == Persistent ? "Persistent" : "Recursive").ToList();
}
