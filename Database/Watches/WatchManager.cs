using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Watches;

/// <summary>
/// The watches of one kind (the data tree keeps one for data/exists watches and one for child watches), as
/// ZooKeeper's <c>WatchManager</c>: a table from path to watchers and, for each watcher, its paths and modes.
/// One-shot watches are removed when they fire; persistent ones stay; persistent-recursive ones also fire for
/// every path below theirs.
/// </summary>
public sealed class WatchManager
{
    private readonly Dictionary<string, HashSet<IWatcher>> _watchTable = new(StringComparer.Ordinal);
    private readonly Dictionary<IWatcher, Dictionary<string, WatchModes>> _watch2Paths = new(ReferenceEqualityComparer.Instance);
    private int _recursiveWatchCount;

    /// <summary>Number of (watcher, path) pairs.</summary>
    public int WatchCount
    {
        get
        {
            int total = 0;
            foreach (var paths in _watch2Paths.Values)
            {
                total += paths.Count;
            }

            return total;
        }
    }

    public int PathCount => _watchTable.Count;

    public int WatcherCount => _watch2Paths.Count;

    /// <summary>Whether a watcher may hear of a change to a node with this ACL (READ; null delivers to all).</summary>
    public Func<IWatcher, IReadOnlyList<Acl>, bool>? DeliveryFilter { get; set; }

    public bool AddWatch(string path, IWatcher watcher, WatchModes mode = WatchModes.Standard)
    {
        if (!_watchTable.TryGetValue(path, out var watchers))
        {
            watchers = new HashSet<IWatcher>(4, ReferenceEqualityComparer.Instance);
            _watchTable[path] = watchers;
        }

        watchers.Add(watcher);
        if (!_watch2Paths.TryGetValue(watcher, out var paths))
        {
            paths = new Dictionary<string, WatchModes>(StringComparer.Ordinal);
            _watch2Paths[watcher] = paths;
        }

        var old = paths.GetValueOrDefault(path);
        var updated = old | mode;
        if (updated == old)
        {
            return false;
        }

        paths[path] = updated;
        if ((mode & WatchModes.PersistentRecursive) != 0 && (old & WatchModes.PersistentRecursive) == 0)
        {
            _recursiveWatchCount++;
        }

        return true;
    }

    /// <summary>Drops every watch of a watcher: its connection closed or its session ended.</summary>
    public void RemoveWatcher(IWatcher watcher)
    {
        if (!_watch2Paths.Remove(watcher, out var paths))
        {
            return;
        }

        foreach (var (path, modes) in paths)
        {
            if (_watchTable.TryGetValue(path, out var watchers))
            {
                watchers.Remove(watcher);
                if (watchers.Count == 0)
                {
                    _watchTable.Remove(path);
                }
            }

            if ((modes & WatchModes.PersistentRecursive) != 0)
            {
                _recursiveWatchCount--;
            }
        }
    }

    /// <summary>Whether the watcher holds a watch on the path; with <see cref="WatchModes.None"/>, of any mode.</summary>
    public bool ContainsWatcher(string path, IWatcher watcher, WatchModes mode)
    {
        if (!_watch2Paths.TryGetValue(watcher, out var paths) || !paths.TryGetValue(path, out var modes))
        {
            return false;
        }

        return mode == WatchModes.None || (modes & mode) != 0;
    }

    /// <summary>Removes one mode (or, with <see cref="WatchModes.None"/>, every mode) of a watch; true if anything was removed.</summary>
    public bool RemoveWatch(string path, IWatcher watcher, WatchModes mode)
    {
        if (!_watch2Paths.TryGetValue(watcher, out var paths) || !paths.TryGetValue(path, out var old))
        {
            return false;
        }

        var updated = mode == WatchModes.None ? WatchModes.None : old & ~mode;
        if (updated == old)
        {
            return false;
        }

        if (updated == WatchModes.None)
        {
            Unwatch(path, watcher, paths);
        }
        else
        {
            paths[path] = updated;
        }

        if ((old & WatchModes.PersistentRecursive) != 0 && (updated & WatchModes.PersistentRecursive) == 0)
        {
            _recursiveWatchCount--;
        }

        return true;
    }

    /// <summary>
    /// Fires the watches that an event on <paramref name="path"/> triggers: every watch on the path itself (one-shot
    /// ones are consumed) and persistent-recursive watches on its ancestors. Watchers in <paramref name="suppress"/>
    /// were already told of this change (a delete notifies data watchers first, then child watchers who were not).
    /// Returns the watchers notified, or null if none. A watcher that may not read the node (<paramref name="acl"/>,
    /// through <see cref="DeliveryFilter"/>) loses its watch without hearing the event, as in ZooKeeper since
    /// CVE-2024-23944 (3.8.4, and Debian's 3.8.0): the event would tell it of a change it cannot read.
    /// </summary>
    public HashSet<IWatcher>? TriggerWatch(string path, EventType type, long zxid, IReadOnlyList<Acl>? acl, HashSet<IWatcher>? suppress = null)
    {
        HashSet<IWatcher>? notified = null;
        CollectAt(path, atParent: false, ref notified);
        if (_recursiveWatchCount > 0)
        {
            for (string parent = ZnodePath.Parent(path); parent.Length > 0; parent = ZnodePath.Parent(parent))
            {
                CollectAt(parent, atParent: true, ref notified);
            }
        }

        if (notified is null)
        {
            return null;
        }

        var watchedEvent = new WatcherEvent(type, KeeperState.SyncConnected, path);
        foreach (var watcher in notified)
        {
            if ((suppress is null || !suppress.Contains(watcher))
                && (acl is null || DeliveryFilter is not { } mayRead || mayRead(watcher, acl)))
            {
                watcher.Process(watchedEvent, zxid);
            }
        }

        return notified;
    }

    /// <summary>Paths watched by each watcher (the <c>wchc</c> view).</summary>
    public IEnumerable<(IWatcher Watcher, IReadOnlyCollection<string> Paths)> ByWatcher() =>
        _watch2Paths.Select(kv => (kv.Key, (IReadOnlyCollection<string>)kv.Value.Keys));

    /// <summary>Watchers of each path (the <c>wchp</c> view).</summary>
    public IEnumerable<(string Path, IReadOnlyCollection<IWatcher> Watchers)> ByPath() =>
        _watchTable.Select(kv => (kv.Key, (IReadOnlyCollection<IWatcher>)kv.Value));

    private void CollectAt(string path, bool atParent, ref HashSet<IWatcher>? notified)
    {
        if (!_watchTable.TryGetValue(path, out var watchers))
        {
            return;
        }

        List<IWatcher>? emptied = null;
        foreach (var watcher in watchers)
        {
            var paths = _watch2Paths[watcher];
            var modes = paths[path];
            if (!atParent)
            {
                (notified ??= new HashSet<IWatcher>(ReferenceEqualityComparer.Instance)).Add(watcher);
                var remaining = modes & ~WatchModes.Standard;
                if (remaining == WatchModes.None)
                {
                    paths.Remove(path);
                    if (paths.Count == 0)
                    {
                        _watch2Paths.Remove(watcher);
                    }

                    (emptied ??= []).Add(watcher);
                }
                else if (remaining != modes)
                {
                    paths[path] = remaining;
                }
            }
            else if ((modes & WatchModes.PersistentRecursive) != 0)
            {
                (notified ??= new HashSet<IWatcher>(ReferenceEqualityComparer.Instance)).Add(watcher);
            }
        }

        if (emptied is not null)
        {
            foreach (var watcher in emptied)
            {
                watchers.Remove(watcher);
            }

            if (watchers.Count == 0)
            {
                _watchTable.Remove(path);
            }
        }
    }

    private void Unwatch(string path, IWatcher watcher, Dictionary<string, WatchModes> paths)
    {
        paths.Remove(path);
        if (paths.Count == 0)
        {
            _watch2Paths.Remove(watcher);
        }

        if (_watchTable.TryGetValue(path, out var watchers))
        {
            watchers.Remove(watcher);
            if (watchers.Count == 0)
            {
                _watchTable.Remove(path);
            }
        }
    }
}
