using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// The live instances of one service, kept up to date (Curator's <c>ServiceCache</c>): a <see cref="TreeCache"/> on the
/// service's znode, whose children are the instances. Made by <see cref="ServiceDiscovery{TPayload}.WatchAsync"/>.
/// </summary>
public sealed class ServiceWatcher<TPayload> : IAsyncDisposable
{
    private readonly TreeCache _cache;
    private readonly JsonSerializerOptions _json;
    private readonly Broadcast<IReadOnlyList<ServiceInstance<TPayload>>> _changes = new();
    private readonly Lock _gate = new();
    private IReadOnlyList<ServiceInstance<TPayload>> _instances = [];

    internal ServiceWatcher(ZooKeeperClient client, string servicePath, JsonSerializerOptions json)
    {
        _cache = new TreeCache(client, servicePath);
        _json = json;
        _cache.Changed += OnCacheChanged;
    }

    /// <summary>The service's znode: <c>{basePath}/{name}</c>.</summary>
    public string ServicePath => _cache.Path;

    /// <summary>The instances registered now, by id.</summary>
    public IReadOnlyList<ServiceInstance<TPayload>> Instances
    {
        get
        {
            lock (_gate)
            {
                return _instances;
            }
        }
    }

    /// <summary>The instances changed (one registered, updated or gone). Raised on the cache's loop.</summary>
    public event EventHandler<IReadOnlyList<ServiceInstance<TPayload>>>? Changed;

    /// <summary>The instances now, and after every change from then on.</summary>
    public async IAsyncEnumerable<IReadOnlyList<ServiceInstance<TPayload>>> ChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var instances in _changes.SubscribeAsync(() => _instances, cancellationToken).ConfigureAwait(false))
        {
            yield return instances;
        }
    }

    internal Task StartAsync(CancellationToken cancellationToken) => _cache.StartAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _changes.Complete();
        return _cache.DisposeAsync();
    }

    private void OnCacheChanged(object? sender, CacheEvent e)
    {
        // Only the instances (children of the service znode) and the end of the initial load matter.
        if (e.Type != CacheEventType.Initialized && (e.Path is null || RecipeSupport.Parent(e.Path) != ServicePath))
        {
            return;
        }

        if (e.Type != CacheEventType.Initialized && !_cache.IsInitialized)
        {
            return;
        }

        var instances = _cache.GetChildren(ServicePath)
            .Select(node => ServiceInstanceJson<TPayload>.TryDeserialize(node.Data, _json))
            .OfType<ServiceInstance<TPayload>>()
            .ToList();
        _changes.Publish(instances, () =>
        {
            lock (_gate)
            {
                _instances = instances;
            }
        });
        Changed?.Invoke(this, instances);
    }
}
