using System.Collections.Concurrent;
using System.Text.Json;
using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// Service registration and discovery (Curator's <c>ServiceDiscovery</c>): each running instance of a service registers
/// an ephemeral znode <c>{BasePath}/{name}/{id}</c> holding its <see cref="ServiceInstance{TPayload}"/> as JSON; it
/// disappears by itself when the instance's session ends, so the registry lists only live instances. Consumers query
/// the instances of a service, or watch them (<see cref="WatchAsync"/>).
/// </summary>
/// <remarks>
/// Registrations made through this object are checked again after each reconnection and re-created if missing (Curator
/// re-registers on RECONNECTED too). Disposing unregisters them.
/// </remarks>
public sealed class ServiceDiscovery<TPayload> : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly JsonSerializerOptions _json;
    private readonly ConcurrentDictionary<string, ServiceInstance<TPayload>> _registered = new(StringComparer.Ordinal);
    private readonly EventHandler<ConnectionStateChangedEventArgs> _onStateChanged;
    private int _disposed;

    /// <param name="jsonOptions">How payloads are (de)serialized; System.Text.Json's defaults when null.</param>
    public ServiceDiscovery(ZooKeeperClient client, string basePath, JsonSerializerOptions? jsonOptions = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(basePath);
        _client = client;
        BasePath = basePath;
        _json = jsonOptions ?? JsonSerializerOptions.Default;
        _onStateChanged = (_, e) =>
        {
            if (e.Current == ConnectionState.Connected && e.Previous == ConnectionState.Disconnected && !_registered.IsEmpty)
            {
                _ = ReRegisterAsync();
            }
        };
        _client.StateChanged += _onStateChanged;
    }

    public string BasePath { get; }

    /// <summary>Registers (or re-registers) an instance: creates its ephemeral znode, or rewrites it if this session
    /// already owns it. Fails with <see cref="NodeExistsException"/> when another session registered the same id.</summary>
    public async Task RegisterAsync(ServiceInstance<TPayload> instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await WriteRegistrationAsync(instance, cancellationToken).ConfigureAwait(false);
        _registered[instance.Id] = instance;
    }

    /// <summary>Replaces a registered instance's data (its payload, say).</summary>
    public async Task UpdateAsync(ServiceInstance<TPayload> instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string path = InstancePath(instance.Name, instance.Id);
        var data = ServiceInstanceJson<TPayload>.Serialize(instance, _json);
        await RecipeSupport.RetryAsync(_client, ct => _client.SetDataAsync(path, data, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        _registered[instance.Id] = instance;
    }

    /// <summary>Removes an instance's registration; an instance not registered is fine.</summary>
    public async Task UnregisterAsync(ServiceInstance<TPayload> instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        _registered.TryRemove(instance.Id, out _);
        await RecipeSupport.DeleteQuietlyAsync(_client, InstancePath(instance.Name, instance.Id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names of the services registered under <see cref="BasePath"/>.</summary>
    public async Task<IReadOnlyList<string>> QueryForNamesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var names = await RecipeSupport.RetryAsync(_client, ct => _client.GetChildrenAsync(BasePath, ct), cancellationToken).ConfigureAwait(false);
            return [.. names.Order(StringComparer.Ordinal)];
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>The live instances of <paramref name="name"/> (malformed registrations are skipped).</summary>
    public async Task<IReadOnlyList<ServiceInstance<TPayload>>> QueryForInstancesAsync(string name, CancellationToken cancellationToken = default)
    {
        string servicePath = RecipeSupport.Combine(BasePath, name);
        IReadOnlyList<string> ids;
        try
        {
            ids = await RecipeSupport.RetryAsync(_client, ct => _client.GetChildrenAsync(servicePath, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return [];
        }

        var instances = await Task.WhenAll(ids.Order(StringComparer.Ordinal).Select(id => QueryForInstanceAsync(name, id, cancellationToken))).ConfigureAwait(false);
        return [.. instances.OfType<ServiceInstance<TPayload>>()];
    }

    /// <summary>One instance, or null when it is not registered.</summary>
    public async Task<ServiceInstance<TPayload>?> QueryForInstanceAsync(string name, string id, CancellationToken cancellationToken = default)
    {
        string path = InstancePath(name, id);
        try
        {
            var (data, _) = await RecipeSupport.RetryAsync(_client, ct => _client.GetDataAsync(path, ct), cancellationToken).ConfigureAwait(false);
            return ServiceInstanceJson<TPayload>.TryDeserialize(data, _json);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>A started watcher of <paramref name="name"/>'s instances (Curator's <c>ServiceCache</c>); dispose it when done.</summary>
    public async Task<ServiceWatcher<TPayload>> WatchAsync(string name, CancellationToken cancellationToken = default)
    {
        var watcher = new ServiceWatcher<TPayload>(_client, RecipeSupport.Combine(BasePath, name), _json);
        try
        {
            await watcher.StartAsync(cancellationToken).ConfigureAwait(false);
            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Unregisters every instance registered through this object.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.StateChanged -= _onStateChanged;
        foreach (var instance in _registered.Values)
        {
            try
            {
                await UnregisterAsync(instance).ConfigureAwait(false);
            }
            catch (KeeperException)
            {
                // the session is gone, and its ephemerals with it
            }
        }
    }

    private string InstancePath(string name, string id) => RecipeSupport.Combine(RecipeSupport.Combine(BasePath, name), id);

    private async Task WriteRegistrationAsync(ServiceInstance<TPayload> instance, CancellationToken cancellationToken)
    {
        string path = InstancePath(instance.Name, instance.Id);
        var data = ServiceInstanceJson<TPayload>.Serialize(instance, _json);
        while (true)
        {
            try
            {
                await RecipeSupport.RetryAsync(_client, ct => _client.CreateAsync(path, data, CreateMode.Ephemeral, cancellationToken: ct), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (NoNodeException)
            {
                await RecipeSupport.EnsurePathAsync(_client, RecipeSupport.Parent(path), cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // Ours (a retried create, a re-registration): rewrite it. Another session's: the id is taken.
                var stat = await RecipeSupport.RetryAsync(_client, ct => _client.ExistsAsync(path, ct), cancellationToken).ConfigureAwait(false);
                if (stat is null)
                {
                    continue;
                }

                if (stat.Value.EphemeralOwner != _client.SessionId)
                {
                    throw new NodeExistsException(path, $"service instance {instance.Name}/{instance.Id} is registered by another session");
                }

                await RecipeSupport.RetryAsync(_client, ct => _client.SetDataAsync(path, data, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>After a reconnection: the session survived (or the client would be expired), but a registration may
    /// have been deleted meanwhile by someone else.</summary>
    private async Task ReRegisterAsync()
    {
        foreach (var instance in _registered.Values)
        {
            try
            {
                string path = InstancePath(instance.Name, instance.Id);
                if (await _client.ExistsAsync(path).ConfigureAwait(false) is null && _registered.ContainsKey(instance.Id))
                {
                    await WriteRegistrationAsync(instance, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (KeeperException)
            {
                // the next reconnection tries again
            }
        }
    }
}
