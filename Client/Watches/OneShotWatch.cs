using System.Threading.Channels;
using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// A one-shot watch as a value to await or enumerate. Pass it where a watcher callback goes
/// (<c>await client.ExistsAsync("/a", watch)</c>); then <c>await watch.Triggered</c> for the znode event, or
/// <c>await foreach (var e in watch)</c> to also see the connection-state events that come before it
/// (Disconnected, SyncConnected). The sequence ends after the triggering event, or after the watch is removed;
/// it fails with <see cref="SessionExpiredException"/> when the session expires, and
/// <see cref="AuthFailedException"/> when authentication fails; it ends quietly when the client is closed,
/// which faults <see cref="Triggered"/> with a <see cref="SessionExpiredException"/>.
/// </summary>
/// <remarks>Use one OneShotWatch for one registration: it resolves with the first znode event it receives.</remarks>
public sealed class OneShotWatch : IAsyncEnumerable<WatchedEvent>
{
    private readonly Channel<WatchedEvent> _events = Channel.CreateUnbounded<WatchedEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<WatchedEvent> _triggered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OneShotWatch()
    {
        Callback = OnEvent;
    }

    /// <summary>The watcher to register. The same delegate every time, so it can also be passed to RemoveWatchesAsync.</summary>
    public Action<WatchedEvent> Callback { get; }

    /// <summary>The znode event (or watch-removed event) that fired this watch.</summary>
    public Task<WatchedEvent> Triggered => _triggered.Task;

    public static implicit operator Action<WatchedEvent>(OneShotWatch watch) => watch.Callback;

    public IAsyncEnumerator<WatchedEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    private void OnEvent(WatchedEvent watchedEvent)
    {
        if (watchedEvent.Type != EventType.None)
        {
            _events.Writer.TryWrite(watchedEvent);
            _events.Writer.TryComplete();
            _triggered.TrySetResult(watchedEvent);
            return;
        }

        switch (watchedEvent.State)
        {
            case KeeperState.Expired:
                Fail(new SessionExpiredException(message: "the session expired before the watch fired"));
                break;
            case KeeperState.AuthFailed:
                Fail(new AuthFailedException(message: "authentication failed before the watch fired"));
                break;
            case KeeperState.Closed:
                _events.Writer.TryComplete();
                _triggered.TrySetException(new SessionExpiredException(message: "the client was closed before the watch fired"));
                break;
            default:
                _events.Writer.TryWrite(watchedEvent);
                break;
        }
    }

    private void Fail(Exception error)
    {
        _events.Writer.TryComplete(error);
        _triggered.TrySetException(error);
    }
}
