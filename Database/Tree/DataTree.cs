using CoordAspire.Database.Watches;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tree;

/// <summary>
/// The znode tree (<c>DataTree</c>): every node by path, the ephemerals of each session, the container and TTL
/// nodes, and the data and child watches. Changed only through <see cref="ProcessTxn"/> (see
/// <c>DataTree.ProcessTxn.cs</c>), which is deterministic: the same transactions in the same order give the same
/// tree on every replica.
/// </summary>
public sealed partial class DataTree
{
    public const string Root = "/";
    public const string ProcZookeeper = "/zookeeper";
    public const string QuotaZookeeper = "/zookeeper/quota";
    public const string ConfigZookeeper = "/zookeeper/config";

    private readonly Dictionary<string, DataNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HashSet<string>> _ephemerals = [];
    private readonly HashSet<string> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ttls = new(StringComparer.Ordinal);

    public DataTree(bool extendedTypesEnabled = false)
    {
        ExtendedTypesEnabled = extendedTypesEnabled;
        var root = new DataNode([], Acls.OpenAclUnsafe, 0, 0, 0);
        _nodes[Root] = root;
        AddSystemNode(ProcZookeeper, Acls.OpenAclUnsafe);

        // config before quota: the order Apache ZooKeeper's snapshot.0 lists them in (its HashSet's order). A
        // snapshot writes siblings in the order the node map holds them, so ours of a fresh tree is the same bytes.
        AddSystemNode(ConfigZookeeper, Acls.ReadAclUnsafe);
        AddSystemNode(QuotaZookeeper, Acls.OpenAclUnsafe);

        // ZooKeeper sets the config node's ACL with version -1 when it starts, which leaves its aversion at -1.
        _nodes[ConfigZookeeper].Aversion = -1;
    }

    public bool ExtendedTypesEnabled { get; }

    /// <summary>The zxid of the last transaction applied: what replies carry and what a snapshot is named by.</summary>
    public long LastProcessedZxid { get; set; }

    public WatchManager DataWatches { get; } = new();

    public WatchManager ChildWatches { get; } = new();

    public int NodeCount => _nodes.Count;

    public int EphemeralCount => _ephemerals.Values.Sum(s => s.Count);

    public IReadOnlyCollection<string> Containers => _containers;

    public IReadOnlyCollection<string> Ttls => _ttls;

    public IEnumerable<KeyValuePair<long, HashSet<string>>> EphemeralsBySession => _ephemerals;

    /// <summary>Total bytes of data in every znode plus path lengths, as <c>approximateDataSize</c>.</summary>
    public long ApproximateDataSize
    {
        get
        {
            long size = 0;
            foreach (var (path, node) in _nodes)
            {
                size += path.Length + (node.Data?.Length ?? 0);
            }

            return size;
        }
    }

    /// <summary>The paths ZooKeeper will not let a client delete.</summary>
    public static bool IsSpecialPath(string path) =>
        path is Root or ProcZookeeper or QuotaZookeeper or ConfigZookeeper;

    public DataNode? GetNode(string path) => _nodes.GetValueOrDefault(path);

    public IEnumerable<KeyValuePair<string, DataNode>> AllNodes => _nodes;

    /// <summary>The ephemerals a session owns; empty if none.</summary>
    public IReadOnlyCollection<string> GetEphemerals(long sessionId) =>
        _ephemerals.TryGetValue(sessionId, out var paths) ? paths : [];

    /// <summary>Reads a node's data and stat, setting a data watch if asked. Null when there is no such node.</summary>
    public DataNode? GetData(string path, IWatcher? watcher)
    {
        var node = GetNode(path);
        if (node is not null && watcher is not null)
        {
            DataWatches.AddWatch(path, watcher);
        }

        return node;
    }

    /// <summary>exists: a watch is set whether or not the node exists (on a missing node it waits for its creation).</summary>
    public DataNode? StatNode(string path, IWatcher? watcher)
    {
        if (watcher is not null)
        {
            DataWatches.AddWatch(path, watcher);
        }

        return GetNode(path);
    }

    public DataNode? GetChildren(string path, IWatcher? watcher)
    {
        var node = GetNode(path);
        if (node is not null && watcher is not null)
        {
            ChildWatches.AddWatch(path, watcher);
        }

        return node;
    }

    /// <summary>Number of nodes below <paramref name="path"/>, at any depth (getAllChildrenNumber).</summary>
    public int GetAllChildrenNumber(string path)
    {
        if (path == Root)
        {
            // Every node but the root itself (ZooKeeper keys the root twice and subtracts 2).
            return _nodes.Count - 1;
        }

        int count = 0;
        string prefix = path + "/";
        foreach (var key in _nodes.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>addWatch: persistent watches see data and child changes; recursive ones see data changes below too.</summary>
    public void AddPersistentWatch(string basePath, IWatcher watcher, AddWatchMode mode)
    {
        var watchMode = mode == AddWatchMode.PersistentRecursive ? WatchModes.PersistentRecursive : WatchModes.Persistent;
        DataWatches.AddWatch(basePath, watcher, watchMode);
        if (watchMode != WatchModes.PersistentRecursive)
        {
            ChildWatches.AddWatch(basePath, watcher, watchMode);
        }
    }

    public bool ContainsWatcher(string path, WatcherType type, IWatcher watcher) => type switch
    {
        WatcherType.Children => ChildWatches.ContainsWatcher(path, watcher, WatchModes.Standard),
        WatcherType.Data => DataWatches.ContainsWatcher(path, watcher, WatchModes.Standard),
        WatcherType.Persistent => DataWatches.ContainsWatcher(path, watcher, WatchModes.Persistent),
        WatcherType.PersistentRecursive => DataWatches.ContainsWatcher(path, watcher, WatchModes.PersistentRecursive),
        WatcherType.Any => ChildWatches.ContainsWatcher(path, watcher, WatchModes.None) || DataWatches.ContainsWatcher(path, watcher, WatchModes.None),
        _ => false,
    };

    public bool RemoveWatch(string path, WatcherType type, IWatcher watcher)
    {
        switch (type)
        {
            case WatcherType.Children:
                return ChildWatches.RemoveWatch(path, watcher, WatchModes.Standard);
            case WatcherType.Data:
                return DataWatches.RemoveWatch(path, watcher, WatchModes.Standard);
            case WatcherType.Persistent:
                bool child = ChildWatches.RemoveWatch(path, watcher, WatchModes.Persistent);
                bool data = DataWatches.RemoveWatch(path, watcher, WatchModes.Persistent);
                return child || data;
            case WatcherType.PersistentRecursive:
                return DataWatches.RemoveWatch(path, watcher, WatchModes.PersistentRecursive);
            case WatcherType.Any:
                bool anyChild = ChildWatches.RemoveWatch(path, watcher, WatchModes.None);
                bool anyData = DataWatches.RemoveWatch(path, watcher, WatchModes.None);
                return anyChild || anyData;
            default:
                return false;
        }
    }

    public void RemoveWatcher(IWatcher watcher)
    {
        DataWatches.RemoveWatcher(watcher);
        ChildWatches.RemoveWatcher(watcher);
    }

    /// <summary>
    /// Re-registers a reconnecting client's watches (setWatches). A change the client missed while away (anything
    /// after <paramref name="relativeZxid"/>, the last zxid it saw) fires at once instead of being registered.
    /// </summary>
    public void SetWatches(long relativeZxid, SetWatchesRequest request, IWatcher watcher, long zxid)
    {
        foreach (var path in request.DataWatches)
        {
            var node = GetNode(path);
            if (node is null)
            {
                watcher.Process(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, path), zxid);
            }
            else if (node.Mzxid > relativeZxid)
            {
                watcher.Process(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, path), zxid);
            }
            else
            {
                DataWatches.AddWatch(path, watcher);
            }
        }

        foreach (var path in request.ExistWatches)
        {
            if (GetNode(path) is not null)
            {
                watcher.Process(new WatcherEvent(EventType.NodeCreated, KeeperState.SyncConnected, path), zxid);
            }
            else
            {
                DataWatches.AddWatch(path, watcher);
            }
        }

        foreach (var path in request.ChildWatches)
        {
            var node = GetNode(path);
            if (node is null)
            {
                watcher.Process(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, path), zxid);
            }
            else if (node.Pzxid > relativeZxid)
            {
                watcher.Process(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, path), zxid);
            }
            else
            {
                ChildWatches.AddWatch(path, watcher);
            }
        }

        foreach (var path in request.PersistentWatches)
        {
            ChildWatches.AddWatch(path, watcher, WatchModes.Persistent);
            DataWatches.AddWatch(path, watcher, WatchModes.Persistent);
        }

        foreach (var path in request.PersistentRecursiveWatches)
        {
            DataWatches.AddWatch(path, watcher, WatchModes.PersistentRecursive);
        }
    }

    private void AddSystemNode(string path, IReadOnlyList<Acl> acl)
    {
        var node = new DataNode([], acl, 0, 0, 0);
        _nodes[path] = node;
        _nodes[ZnodePath.Parent(path)].AddChild(ZnodePath.Name(path));
    }
}
