namespace CoordAspire.Client.Recipes;

/// <summary>
/// A local copy of one znode's data and Stat, kept up to date (Curator's <c>NodeCache</c>, or <c>CuratorCache</c> with
/// <c>SINGLE_NODE_CACHE</c>): a persistent, non-recursive watch on the znode and a read per event. The znode may be
/// missing (<see cref="Current"/> is then null) and come and go. See <see cref="TreeCache"/> for the consistency rules.
/// </summary>
public sealed class NodeCache : IAsyncDisposable
{
    private readonly TreeCache _cache;

    public NodeCache(ZooKeeperClient client, string path)
    {
        _cache = new TreeCache(client, path, recursive: false);
        _cache.Changed += (_, e) => Changed?.Invoke(this, e);
    }

    public string Path => _cache.Path;

    /// <summary>The znode as last read, or null when it does not exist.</summary>
    public ZNodeData? Current => _cache.Get(Path);

    /// <summary>The znode was created, written or deleted. Raised on the cache's loop.</summary>
    public event EventHandler<CacheEvent>? Changed;

    /// <summary>The znode's changes from the moment enumeration starts.</summary>
    public IAsyncEnumerable<CacheEvent> EventsAsync(CancellationToken cancellationToken = default) => _cache.EventsAsync(cancellationToken);

    /// <summary>Sets the watch and reads the znode; completes when <see cref="Current"/> reflects it.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _cache.StartAsync(cancellationToken);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();
}
