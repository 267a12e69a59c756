using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Client;

/// <summary>
/// Runs watch callbacks and connection-state handlers one at a time, in the order the reader produced them (Java's
/// <c>ClientCnxn.EventThread</c>). A request whose reply arrives while events are still queued is completed through
/// the queue too, after them: "a client will see a watch event for a znode it is watching before seeing the new
/// data that corresponds to that znode" (ZooKeeper Programmer's Guide, ZooKeeper Watches). When the queue is empty,
/// which is the common case, requests complete at once.
/// </summary>
internal sealed class EventDispatcher
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    /// <summary>Items queued and not yet finished; read by the reader to decide whether a completion must queue.</summary>
    private int _pending;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Dispatch(WatchedEvent watchedEvent, IReadOnlyCollection<Action<WatchedEvent>> watchers)
    {
        if (watchers.Count > 0)
        {
            Enqueue(new Item(watchedEvent, watchers, null, null));
        }
    }

    /// <summary>Runs <paramref name="action"/> on the dispatcher, after everything queued before it.</summary>
    public void Post(Action action) => Enqueue(new Item(default, null, null, action));

    /// <summary>Completes a request now, or after the events queued ahead of it.</summary>
    public void Complete(Request request)
    {
        if (Volatile.Read(ref _pending) == 0 || !TryEnqueue(new Item(default, null, request, null)))
        {
            request.Finish();
        }
    }

    /// <summary>Stops taking work and waits until everything queued has run.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private void Enqueue(Item item)
    {
        if (!TryEnqueue(item) && item.Request is null)
        {
            Log.DispatcherStopped(_logger, item.Event.ToString());
        }
    }

    private bool TryEnqueue(Item item)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite(item))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    Run(item);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
    }

    private void Run(in Item item)
    {
        if (item.Request is { } request)
        {
            request.Finish();
            return;
        }

        if (item.Action is { } action)
        {
            Invoke(action);
            return;
        }

        foreach (var watcher in item.Watchers!)
        {
            try
            {
                watcher(item.Event);
            }
            catch (Exception e)
            {
                Log.WatcherFailed(_logger, item.Event.ToString(), e);
            }
        }
    }

    private void Invoke(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Log.WatcherFailed(_logger, "state change", e);
        }
    }

    private readonly record struct Item(
        WatchedEvent Event, IReadOnlyCollection<Action<WatchedEvent>>? Watchers, Request? Request, Action? Action);
}
