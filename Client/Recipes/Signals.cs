using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// An auto-reset wake-up for a recipe's background loop: set from watch callbacks and connection-state handlers (which
/// run on the client's dispatcher and must not block), awaited by the loop, which then re-reads what it watches. Sets
/// that come while the loop is busy collapse into one.
/// </summary>
internal sealed class Signal
{
    private readonly Channel<bool> _channel =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Set() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) =>
        await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>Hands each published value to every current subscriber, each reading at its own pace.</summary>
internal sealed class Broadcast<T>
{
    private readonly List<Channel<T>> _subscribers = [];
    private bool _completed;

    /// <summary>Publishes <paramref name="value"/>; <paramref name="apply"/> (the state change it reports) runs under the
    /// same lock, so a new subscriber's initial value and the values it is then sent never disagree.</summary>
    public void Publish(T value, Action? apply = null)
    {
        lock (_subscribers)
        {
            apply?.Invoke();
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(value);
            }
        }
    }

    /// <summary>Ends every subscription, now and later.</summary>
    public void Complete()
    {
        lock (_subscribers)
        {
            _completed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }
    }

    /// <summary>The values published from the moment enumeration starts (the first MoveNextAsync subscribes);
    /// <paramref name="initial"/> (when given) comes first.</summary>
    public async IAsyncEnumerable<T> SubscribeAsync(Func<T>? initial, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        lock (_subscribers)
        {
            if (initial is not null)
            {
                channel.Writer.TryWrite(initial());
            }

            if (_completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel);
            }
        }

        try
        {
            await foreach (var value in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return value;
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
