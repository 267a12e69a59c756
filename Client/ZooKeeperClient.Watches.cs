using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Client;

// Persistent watches, and removing watches.
public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// Adds a persistent watch (addWatch, ZooKeeper 3.6+): <paramref name="watcher"/> fires for every change of the
    /// znode — and, with <see cref="AddWatchMode.PersistentRecursive"/>, of every znode below it (no child events then)
    /// — until removed. It survives reconnection; it also hears the connection's state events.
    /// </summary>
    public ValueTask AddWatchAsync(string path, AddWatchMode mode, Action<WatchedEvent> watcher, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ArgumentNullException.ThrowIfNull(watcher);
        var request = Request<bool>.Rent(null);
        request.Begin(this, OpCode.AddWatch, path);
        request.Watcher = watcher;
        request.WatchKind = mode == AddWatchMode.PersistentRecursive ? WatchKind.PersistentRecursive : WatchKind.Persistent;
        var writer = new JuteWriter(request.Frame);
        WritePath(writer, path);
        writer.WriteInt((int)mode);
        return SubmitVoid(request, cancellationToken);
    }

    /// <summary>
    /// A persistent watch as a stream: the watch is added when enumeration starts and removed when it stops. Yields
    /// every znode event, and the connection's Disconnected and SyncConnected events (after a disconnection, events
    /// of znodes below a recursive watch may have been missed: re-read what matters). Ends when the client is closed;
    /// throws <see cref="SessionExpiredException"/> when the session expires.
    /// </summary>
    public async IAsyncEnumerable<WatchedEvent> WatchAsync(
        string path, AddWatchMode mode = AddWatchMode.PersistentRecursive, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<WatchedEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Action<WatchedEvent> watcher = e => Forward(channel.Writer, e, EventType.PersistentWatchRemoved);
        await AddWatchAsync(path, mode, watcher, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var watchedEvent in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return watchedEvent;
            }
        }
        finally
        {
            await StopWatchingAsync(path, watcher, mode == AddWatchMode.PersistentRecursive ? WatcherType.PersistentRecursive : WatcherType.Persistent)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes one watcher (Java's <c>removeWatches</c>, sent as checkWatches: the server keeps its watch for
    /// the path, which other watchers of this client may share). The watcher gets a *WatchRemoved event. Fails with
    /// <see cref="NoWatcherException"/> when no such watcher is set. With <paramref name="local"/>, removes it even
    /// when the server cannot be reached.
    /// </summary>
    public ValueTask RemoveWatchesAsync(
        string path, Action<WatchedEvent> watcher, WatcherType type, bool local = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        return RemoveWatchesCore(OpCode.CheckWatches, path, watcher, type, local, cancellationToken);
    }

    /// <summary>Removes every watcher of <paramref name="type"/> at <paramref name="path"/>, here and on the server
    /// (<c>removeAllWatches</c>).</summary>
    public ValueTask RemoveAllWatchesAsync(string path, WatcherType type, bool local = false, CancellationToken cancellationToken = default) =>
        RemoveWatchesCore(OpCode.RemoveWatches, path, null, type, local, cancellationToken);

    /// <summary>Routes a watch event into a stream's channel; terminal connection states end the stream.</summary>
    internal static void Forward(ChannelWriter<WatchedEvent> writer, WatchedEvent watchedEvent, EventType removedType)
    {
        if (watchedEvent.Type == EventType.None)
        {
            switch (watchedEvent.State)
            {
                case KeeperState.Expired:
                    writer.TryComplete(new SessionExpiredException(message: "the session expired"));
                    return;
                case KeeperState.AuthFailed:
                    writer.TryComplete(new AuthFailedException(message: "authentication failed"));
                    return;
                case KeeperState.Closed:
                    writer.TryComplete();
                    return;
            }
        }

        writer.TryWrite(watchedEvent);
        if (watchedEvent.Type == removedType)
        {
            writer.TryComplete();
        }
    }

    private ValueTask RemoveWatchesCore(
        OpCode opCode, string path, Action<WatchedEvent>? watcher, WatcherType type, bool local, CancellationToken cancellationToken)
    {
        ValidatePath(path);
        var request = Request<bool>.Rent(null);
        request.Begin(this, opCode, path);
        request.Deregistration = new WatchDeregistration(path, watcher, type, local);
        var writer = new JuteWriter(request.Frame);
        WritePath(writer, path);
        writer.WriteInt((int)type);
        return SubmitVoid(request, cancellationToken);
    }

    /// <summary>
    /// A stream's watcher goes away quietly; the server's watch too when no other watcher of this client needs it,
    /// so the server stops sending events nobody reads. With no watcher of any kind left at the path the removal is
    /// sent as <see cref="WatcherType.Any"/>, which every server version understands (ZooKeeper 3.8 has no persistent
    /// watcher types in removeWatches; 3.9 added them).
    /// </summary>
    internal async Task StopWatchingAsync(string path, Action<WatchedEvent> watcher, WatcherType type)
    {
        if (State.IsTerminal() || !Watches.RemoveLocal(path, watcher, type, out bool othersRemain) || othersRemain)
        {
            return;
        }

        var wireType = Watches.Contains(path, null, WatcherType.Any) ? type : WatcherType.Any;
        try
        {
            var request = Request<bool>.Rent(null);
            request.Begin(this, OpCode.RemoveWatches, path);
            var writer = new JuteWriter(request.Frame);
            WritePath(writer, path);
            writer.WriteInt((int)wireType);
            await SubmitVoid(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (KeeperException)
        {
            // Disconnected, closing, or a server that cannot remove just this kind: a stray watch only costs
            // events that find no watcher here.
        }
    }
}
