using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// A first-in, first-out queue of byte items ("Queues", ZooKeeper Recipes and Solutions; Curator's
/// <c>SimpleDistributedQueue</c>): each item is a persistent sequential znode under <see cref="Path"/>, so the server's
/// sequence numbers order the items across all producers; a consumer takes the lowest by deleting it — whoever's
/// delete succeeds owns the item, so many consumers never take the same one.
/// </summary>
/// <remarks>
/// Enqueueing is exactly-once even across a lost connection (the item's name is protected, see <see cref="ProtectedNode"/>).
/// Taking is at-most-once: when the reply to the delete is lost (<see cref="ConnectionLossException"/>), the item may
/// have been taken by this consumer and is then gone.
/// </remarks>
public sealed class DistributedQueue
{
    private const string ItemName = "qn-";

    private readonly ZooKeeperClient _client;

    public DistributedQueue(ZooKeeperClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        _client = client;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Adds an item at the tail; returns its znode's path.</summary>
    public Task<string> EnqueueAsync(ReadOnlyMemory<byte> item, CancellationToken cancellationToken = default) =>
        ProtectedNode.CreateAsync(_client, Path, ItemName, item, CreateMode.PersistentSequential, cancellationToken);

    /// <summary>The head item without taking it, or null when the queue is empty.</summary>
    public async Task<byte[]?> PeekAsync(CancellationToken cancellationToken = default)
    {
        foreach (string name in await ItemsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                string path = RecipeSupport.Combine(Path, name);
                return (await RecipeSupport.RetryAsync(_client, ct => _client.GetDataAsync(path, ct), cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (NoNodeException)
            {
                // taken meanwhile: the next one is the head now
            }
        }

        return null;
    }

    /// <summary>Takes the head item, or returns null when the queue is empty.</summary>
    public async Task<byte[]?> TryDequeueAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var items = await ItemsAsync(null, cancellationToken).ConfigureAwait(false);
            if (items.Count == 0)
            {
                return null;
            }

            if (await TakeFirstAsync(items, cancellationToken).ConfigureAwait(false) is { } item)
            {
                return item;
            }
        }
    }

    /// <summary>Takes the head item, waiting for one when the queue is empty.</summary>
    public async Task<byte[]> DequeueAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var items = await ItemsAsync(null, cancellationToken).ConfigureAwait(false);
            if (items.Count == 0)
            {
                // Only an empty queue sets a children watch, so busy consumers leave no watches behind.
                var arrived = new OneShotWatch();
                items = await ItemsAsync(arrived, cancellationToken).ConfigureAwait(false);
                if (items.Count == 0)
                {
                    await RecipeSupport.WaitAsync(_client, arrived, Path, WatcherType.Children, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (await TakeFirstAsync(items, cancellationToken).ConfigureAwait(false) is { } item)
            {
                return item;
            }
        }
    }

    /// <summary>How many items are queued.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        (await ItemsAsync(null, cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>Tries the items in order: read, then delete; the first delete that succeeds is ours.</summary>
    private async Task<byte[]?> TakeFirstAsync(List<string> items, CancellationToken cancellationToken)
    {
        foreach (string name in items)
        {
            string path = RecipeSupport.Combine(Path, name);
            try
            {
                var (data, stat) = await RecipeSupport.RetryAsync(_client, ct => _client.GetDataAsync(path, ct), cancellationToken).ConfigureAwait(false);
                // Conditioned on the version read: the bytes returned are the bytes deleted.
                await _client.DeleteAsync(path, stat.Version, cancellationToken).ConfigureAwait(false);
                return data;
            }
            catch (NoNodeException)
            {
                // another consumer took it
            }
            catch (BadVersionException)
            {
                // rewritten under us: take it on the next pass
                return null;
            }
        }

        return null;
    }

    /// <summary>The items' names in queue order; with <paramref name="watch"/>, watches the children. A missing queue
    /// is empty — with a watch, it is created first so that the watch can be set.</summary>
    private async Task<List<string>> ItemsAsync(OneShotWatch? watch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var children = await RecipeSupport.RetryAsync(_client, ct => _client.GetChildrenAsync(Path, watch?.Callback, ct), cancellationToken).ConfigureAwait(false);
                return RecipeSupport.SortBySequence(children, ItemName);
            }
            catch (NoNodeException) when (watch is not null)
            {
                await RecipeSupport.EnsurePathAsync(_client, Path, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                return [];
            }
        }
    }
}
