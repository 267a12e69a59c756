using System.Collections.Concurrent;
using System.Threading.Channels;
using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// A local copy of a subtree — every znode's data and Stat under <see cref="Path"/>, kept up to date (Curator's
/// <c>CuratorCache</c>): one persistent recursive watch (ZooKeeper 3.6+) on the root, an initial load, and for each
/// event a read of the znode it names.
/// </summary>
/// <remarks>
/// <para>The cache is eventually consistent, as Curator's is: events and reads are processed one at a time, in the
/// order the server sent them, so each znode converges to the server's latest state; a reader may briefly see the
/// cache behind the server. A read is applied only when it is newer (by <c>mzxid</c>) than what the cache holds.</para>
/// <para>While the connection is down, changes under a recursive watch can be missed (the server re-adds the watch on
/// reconnection but does not replay events): on reconnection the whole subtree is read again and the differences are
/// reported as ordinary events. When the session expires the cache stops changing.</para>
/// <para><see cref="Changed"/> is raised on the cache's own loop, one event at a time; it should not block.</para>
/// </remarks>
public sealed class TreeCache : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly bool _recursive;
    private readonly ConcurrentDictionary<string, ZNodeData> _nodes = new(StringComparer.Ordinal);
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Broadcast<CacheEvent> _events = new();
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<WatchedEvent> _watcher;
    private Task _loop = Task.CompletedTask;
    private int _started;
    private bool _loaded;

    public TreeCache(ZooKeeperClient client, string path)
        : this(client, path, recursive: true)
    {
    }

    /// <param name="recursive">false: only the znode at <paramref name="path"/> (a persistent, non-recursive watch).</param>
    internal TreeCache(ZooKeeperClient client, string path, bool recursive)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        _client = client;
        _recursive = recursive;
        Path = path;
        _watcher = e => _work.Writer.TryWrite(new Work(e, Reload: false));
    }

    public string Path { get; }

    /// <summary>Whether the initial load is complete.</summary>
    public bool IsInitialized => Volatile.Read(ref _loaded);

    /// <summary>How many znodes the cache holds.</summary>
    public int Count => _nodes.Count;

    /// <summary>Every cached znode.</summary>
    public IReadOnlyCollection<ZNodeData> Nodes => [.. _nodes.Values];

    /// <summary>A change of the cache. Raised on the cache's loop.</summary>
    public event EventHandler<CacheEvent>? Changed;

    /// <summary>The cached znode at <paramref name="path"/>, or null.</summary>
    public ZNodeData? Get(string path) => _nodes.TryGetValue(path, out var node) ? node : null;

    /// <summary>The cached children of <paramref name="path"/>, by name.</summary>
    public IReadOnlyList<ZNodeData> GetChildren(string path)
    {
        string prefix = path == "/" ? "/" : path + "/";
        return _nodes.Values
            .Where(n => n.Path.Length > prefix.Length && n.Path.StartsWith(prefix, StringComparison.Ordinal) && n.Path.IndexOf('/', prefix.Length) < 0)
            .OrderBy(n => n.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The cache's changes from the moment enumeration starts (ends when the cache is disposed or its session ends).</summary>
    public IAsyncEnumerable<CacheEvent> EventsAsync(CancellationToken cancellationToken = default) =>
        _events.SubscribeAsync(null, cancellationToken);

    /// <summary>Sets the watch and loads the subtree; completes when the cache reflects it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the cache was already started");
        }

        // The watch first, then the load: a change during the load is then an event processed after it.
        var mode = _recursive ? AddWatchMode.PersistentRecursive : AddWatchMode.Persistent;
        await RecipeSupport.RetryAsync(_client, ct => _client.AddWatchAsync(Path, mode, _watcher, ct), cancellationToken).ConfigureAwait(false);
        _work.Writer.TryWrite(new Work(default, Reload: true));
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        await _initialized.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (Volatile.Read(ref _started) != 0)
        {
            await _client.StopWatchingAsync(Path, _watcher, _recursive ? WatcherType.PersistentRecursive : WatcherType.Persistent)
                .ConfigureAwait(false);
        }

        _initialized.TrySetCanceled();
        _events.Complete();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var cancellationToken = _stop.Token;
        bool reloadOnReconnect = false;
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (work.Reload)
                    {
                        await ReloadAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    switch (work.Event)
                    {
                        case { Type: EventType.None, State: KeeperState.Disconnected }:
                            reloadOnReconnect = true;
                            break;
                        case { Type: EventType.None, State: KeeperState.SyncConnected } when reloadOnReconnect:
                            reloadOnReconnect = false;
                            await ReloadAsync(cancellationToken).ConfigureAwait(false);
                            break;
                        case { Type: EventType.None, State: KeeperState.Expired or KeeperState.Closed or KeeperState.AuthFailed }:
                        case { Type: EventType.PersistentWatchRemoved }:
                            return;
                        case { Type: EventType.NodeCreated or EventType.NodeDataChanged or EventType.NodeChildrenChanged, Path: { } path }:
                            await RefreshAsync(path, cancellationToken).ConfigureAwait(false);
                            break;
                        case { Type: EventType.NodeDeleted, Path: { } path }:
                            Remove(path);
                            break;
                    }
                }
                catch (KeeperException) when (!_client.State.IsTerminal())
                {
                    // The connection broke under a read: its Disconnected/SyncConnected events follow, and bring a reload.
                    reloadOnReconnect = true;
                    if (_client.State == ConnectionState.Connected)
                    {
                        _work.Writer.TryWrite(new Work(default, Reload: true));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (KeeperException e)
        {
            _initialized.TrySetException(e);
        }
        finally
        {
            _events.Complete();
        }
    }

    /// <summary>Reads the whole subtree and reports how it differs from the cache.</summary>
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var found = new ConcurrentDictionary<string, ZNodeData>(StringComparer.Ordinal);
        await LoadAsync(Path, found, cancellationToken).ConfigureAwait(false);
        foreach (var node in found.Values.OrderBy(n => n.Path, StringComparer.Ordinal))
        {
            Apply(node);
        }

        foreach (var path in _nodes.Keys.Where(p => !found.ContainsKey(p)).OrderByDescending(p => p, StringComparer.Ordinal).ToList())
        {
            if (_nodes.TryRemove(path, out var previous))
            {
                Raise(new CacheEvent(CacheEventType.Deleted, null, previous));
            }
        }

        if (!_initialized.Task.IsCompleted)
        {
            // Listeners hear Initialized before StartAsync returns, so what they derive from the cache is ready too.
            Volatile.Write(ref _loaded, true);
            Raise(new CacheEvent(CacheEventType.Initialized, null, null));
            _initialized.TrySetResult();
        }
    }

    /// <summary>Reads a znode and, recursively, its children — siblings in parallel, pipelined on the one connection.</summary>
    private async Task LoadAsync(string path, ConcurrentDictionary<string, ZNodeData> found, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> children = [];
        try
        {
            var (data, stat) = await _client.GetDataAsync(path, cancellationToken).ConfigureAwait(false);
            found[path] = new ZNodeData(path, data, stat);
            if (_recursive && stat.NumChildren > 0)
            {
                children = await _client.GetChildrenAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NoNodeException)
        {
            return;
        }

        await Task.WhenAll(children.Select(c => LoadAsync(RecipeSupport.Combine(path, c), found, cancellationToken))).ConfigureAwait(false);
    }

    private async Task RefreshAsync(string path, CancellationToken cancellationToken)
    {
        if (!_recursive && path != Path)
        {
            return;
        }

        try
        {
            var (data, stat) = await _client.GetDataAsync(path, cancellationToken).ConfigureAwait(false);
            Apply(new ZNodeData(path, data, stat));
        }
        catch (NoNodeException)
        {
            Remove(path);
        }
    }

    /// <summary>Stores a read unless the cache already holds the same or a newer version of that znode.</summary>
    private void Apply(ZNodeData node)
    {
        if (_nodes.TryGetValue(node.Path, out var previous))
        {
            bool sameZnode = previous.Stat.Czxid == node.Stat.Czxid;
            if (sameZnode && previous.Stat.Mzxid >= node.Stat.Mzxid && previous.Stat.Pzxid >= node.Stat.Pzxid)
            {
                return;
            }

            _nodes[node.Path] = node;
            bool dataChanged = !sameZnode || previous.Stat.Mzxid != node.Stat.Mzxid;
            if (dataChanged)
            {
                Raise(new CacheEvent(CacheEventType.Changed, node, previous));
            }

            return;
        }

        _nodes[node.Path] = node;
        Raise(new CacheEvent(CacheEventType.Created, node, null));
    }

    /// <summary>Drops a znode and whatever the cache still holds below it, deepest first.</summary>
    private void Remove(string path)
    {
        string prefix = path + "/";
        foreach (var descendant in _nodes.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).OrderByDescending(p => p, StringComparer.Ordinal).ToList())
        {
            if (_nodes.TryRemove(descendant, out var gone))
            {
                Raise(new CacheEvent(CacheEventType.Deleted, null, gone));
            }
        }

        if (_nodes.TryRemove(path, out var previous))
        {
            Raise(new CacheEvent(CacheEventType.Deleted, null, previous));
        }
    }

    private void Raise(CacheEvent cacheEvent)
    {
        _events.Publish(cacheEvent);
        Changed?.Invoke(this, cacheEvent);
    }

    /// <summary>A watch event to process, or (<see cref="Reload"/>) a request to read the whole subtree again.</summary>
    private readonly record struct Work(WatchedEvent Event, bool Reload);
}
