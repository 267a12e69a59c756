using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// The client-side watch tables (Java's <c>ZKWatchManager</c>), keyed by client path. The reader registers a
/// watcher when a request succeeds and, for each notification, takes out the watchers it triggers
/// (<see cref="Materialize"/>) before reading the next frame, so registration and triggering happen in the order
/// the server sent them. One-shot tables lose their entry when triggered; persistent ones keep it.
/// </summary>
internal sealed class ClientWatchManager
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _child = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _persistent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _recursive = new(StringComparer.Ordinal);

    public void Register(WatchKind kind, string path, Action<WatchedEvent> watcher, ErrorCode err)
    {
        var table = kind switch
        {
            WatchKind.Data or WatchKind.Child or WatchKind.Persistent or WatchKind.PersistentRecursive when err == ErrorCode.Ok => TableFor(kind),
            WatchKind.Exists when err == ErrorCode.Ok => _data,
            WatchKind.Exists when err == ErrorCode.NoNode => _exist,
            _ => null,
        };
        if (table is null)
        {
            return;
        }

        lock (_gate)
        {
            Add(table, path, watcher);
        }
    }

    /// <summary>The watchers a node event triggers (<c>ZKWatchManager.materialize</c>); one-shot ones are removed.</summary>
    public HashSet<Action<WatchedEvent>>? Materialize(EventType type, string path)
    {
        HashSet<Action<WatchedEvent>>? result = null;
        lock (_gate)
        {
            switch (type)
            {
                case EventType.NodeCreated or EventType.NodeDataChanged:
                    Take(_data, path, ref result);
                    Take(_exist, path, ref result);
                    break;
                case EventType.NodeChildrenChanged:
                    Take(_child, path, ref result);
                    break;
                case EventType.NodeDeleted:
                    Take(_data, path, ref result);
                    Take(_exist, path, ref result);
                    Take(_child, path, ref result);
                    break;
                default:
                    return null;
            }

            AddTo(_persistent.GetValueOrDefault(path), ref result);

            // A recursive watch promises no child events: the server never sends them for it (addPersistentWatches).
            if (type != EventType.NodeChildrenChanged && _recursive.Count > 0)
            {
                for (string? p = path; !string.IsNullOrEmpty(p); p = ZnodePath.Parent(p))
                {
                    AddTo(_recursive.GetValueOrDefault(p), ref result);
                }
            }
        }

        return result;
    }

    /// <summary>Every watcher, for a connection-state event (materialize with EventType.None).</summary>
    public HashSet<Action<WatchedEvent>> All()
    {
        var result = new HashSet<Action<WatchedEvent>>();
        lock (_gate)
        {
            foreach (var table in Tables())
            {
                foreach (var set in table.Values)
                {
                    result.UnionWith(set);
                }
            }
        }

        return result;
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var table in Tables())
            {
                table.Clear();
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _data.Count == 0 && _exist.Count == 0 && _child.Count == 0 && _persistent.Count == 0 && _recursive.Count == 0;
            }
        }
    }

    /// <summary>The watched paths of each table, for setWatches2 after a reconnect.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child, List<string> Persistent, List<string> Recursive) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _data.Keys], [.. _exist.Keys], [.. _child.Keys], [.. _persistent.Keys], [.. _recursive.Keys]);
        }
    }

    /// <summary>True when a watcher (any, when null) of <paramref name="type"/> is registered at <paramref name="path"/>.</summary>
    public bool Contains(string path, Action<WatchedEvent>? watcher, WatcherType type)
    {
        lock (_gate)
        {
            foreach (var table in TablesFor(type))
            {
                if (table.TryGetValue(path, out var set) && (watcher is null ? set.Count > 0 : set.Contains(watcher)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Applies a removeWatches/checkWatches reply (<c>ZKWatchManager.removeWatcher</c>): on success, or whatever the
    /// server said when local, the matching watchers are dropped and each is told with a *WatchRemoved event.
    /// Returns the code the caller sees: Ok when something was removed, NoWatcher when nothing matched.
    /// </summary>
    public ErrorCode Deregister(WatchDeregistration request, ErrorCode rc, EventDispatcher dispatcher)
    {
        if (rc != ErrorCode.Ok && !request.Local)
        {
            return rc;
        }

        HashSet<Action<WatchedEvent>>? childRemoved = null, dataRemoved = null, persistentRemoved = null;
        lock (_gate)
        {
            bool children = request.Type is WatcherType.Children or WatcherType.Any;
            bool data = request.Type is WatcherType.Data or WatcherType.Any;
            if (children)
            {
                Remove(_child, request, ref childRemoved);
            }

            if (data)
            {
                Remove(_data, request, ref dataRemoved);
                Remove(_exist, request, ref dataRemoved);
            }

            if (request.Type is WatcherType.Persistent or WatcherType.Any)
            {
                Remove(_persistent, request, ref persistentRemoved);
            }

            if (request.Type is WatcherType.PersistentRecursive or WatcherType.Any)
            {
                Remove(_recursive, request, ref persistentRemoved);
            }
        }

        if (childRemoved is null && dataRemoved is null && persistentRemoved is null)
        {
            return ErrorCode.NoWatcher;
        }

        var state = rc == ErrorCode.Ok ? KeeperState.SyncConnected : KeeperState.Disconnected;
        Notify(childRemoved, EventType.ChildWatchRemoved);
        Notify(dataRemoved, EventType.DataWatchRemoved);
        Notify(persistentRemoved, EventType.PersistentWatchRemoved);
        return ErrorCode.Ok;

        void Notify(HashSet<Action<WatchedEvent>>? watchers, EventType type)
        {
            if (watchers is not null)
            {
                dispatcher.Dispatch(new WatchedEvent(type, state, request.Path), watchers);
            }
        }
    }

    /// <summary>Drops one persistent watcher without telling it; reports whether other watchers of the kind remain there.</summary>
    public bool RemoveLocal(string path, Action<WatchedEvent> watcher, WatcherType type, out bool othersRemain)
    {
        var table = type == WatcherType.PersistentRecursive ? _recursive : _persistent;
        lock (_gate)
        {
            othersRemain = false;
            if (!table.TryGetValue(path, out var set) || !set.Remove(watcher))
            {
                return false;
            }

            if (set.Count == 0)
            {
                table.Remove(path);
            }
            else
            {
                othersRemain = true;
            }

            return true;
        }
    }

    private Dictionary<string, HashSet<Action<WatchedEvent>>> TableFor(WatchKind kind) => kind switch
    {
        WatchKind.Data => _data,
        WatchKind.Child => _child,
        WatchKind.Persistent => _persistent,
        WatchKind.PersistentRecursive => _recursive,
        _ => _exist,
    };

    private IEnumerable<Dictionary<string, HashSet<Action<WatchedEvent>>>> TablesFor(WatcherType type) => type switch
    {
        WatcherType.Children => [_child],
        WatcherType.Data => [_data, _exist],
        WatcherType.Persistent => [_persistent],
        WatcherType.PersistentRecursive => [_recursive],
        _ => Tables(),
    };

    private Dictionary<string, HashSet<Action<WatchedEvent>>>[] Tables() => [_data, _exist, _child, _persistent, _recursive];

    private static void Add(Dictionary<string, HashSet<Action<WatchedEvent>>> table, string path, Action<WatchedEvent> watcher)
    {
        if (!table.TryGetValue(path, out var set))
        {
            set = [];
            table.Add(path, set);
        }

        set.Add(watcher);
    }

    private static void Take(Dictionary<string, HashSet<Action<WatchedEvent>>> table, string path, ref HashSet<Action<WatchedEvent>>? result)
    {
        if (table.Remove(path, out var set))
        {
            AddTo(set, ref result);
        }
    }

    private static void AddTo(HashSet<Action<WatchedEvent>>? set, ref HashSet<Action<WatchedEvent>>? result)
    {
        if (set is null || set.Count == 0)
        {
            return;
        }

        result ??= [];
        result.UnionWith(set);
    }

    private static void Remove(
        Dictionary<string, HashSet<Action<WatchedEvent>>> table, WatchDeregistration request, ref HashSet<Action<WatchedEvent>>? removed)
    {
        if (request.Watcher is null)
        {
            if (table.Remove(request.Path, out var all) && all.Count > 0)
            {
                removed ??= [];
                removed.UnionWith(all);
            }

            return;
        }

        if (table.TryGetValue(request.Path, out var set) && set.Remove(request.Watcher))
        {
            removed ??= [];
            removed.Add(request.Watcher);
            if (set.Count == 0)
            {
                table.Remove(request.Path);
            }
        }
    }
}
