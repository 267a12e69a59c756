namespace CoordAspire.Protocol;

/// <summary><c>Watcher.Event.EventType</c>, as carried in <c>WatcherEvent.type</c>.</summary>
public enum EventType
{
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
    DataWatchRemoved = 5,
    ChildWatchRemoved = 6,
    PersistentWatchRemoved = 7,
}

/// <summary><c>Watcher.Event.KeeperState</c>, as carried in <c>WatcherEvent.state</c>.</summary>
public enum KeeperState
{
    Disconnected = 0,
    SyncConnected = 3,
    AuthFailed = 4,
    ConnectedReadOnly = 5,
    SaslAuthenticated = 6,
    Closed = 7,
    Expired = -112,
}

/// <summary>The watch kinds of checkWatches/removeWatches (<c>Watcher.WatcherType</c>).</summary>
public enum WatcherType
{
    Children = 1,
    Data = 2,
    Any = 3,
    Persistent = 4,
    PersistentRecursive = 5,
}

/// <summary>The mode of an addWatch request (<c>ZooDefs.AddWatchModes</c>).</summary>
public enum AddWatchMode
{
    Persistent = 0,
    PersistentRecursive = 1,
}
