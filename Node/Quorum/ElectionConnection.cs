using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using CoordAspire.Quorum.Wire;
using Microsoft.Extensions.Logging;
using Channel = System.Threading.Channels.Channel;

namespace CoordAspire.Node.Quorum;

/// <summary>
/// The one election connection kept with a peer (QuorumCnxManager's SendWorker and RecvWorker pair): messages both
/// ways, each an int length and a notification. It never reconnects by itself; the channel opens a new one when a
/// notification is waiting.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the lifetime: Close disposes the socket, the loops end on it.")]
internal sealed class ElectionConnection
{
    private readonly ElectionChannel _channel;
    private readonly ElectionChannel.Peer _peer;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly System.Threading.Channels.Channel<bool> _wake = Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1)
    {
        FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private int _closed;

    public ElectionConnection(ElectionChannel channel, ElectionChannel.Peer peer, Socket socket, bool initiatedByUs, ILogger logger)
    {
        _channel = channel;
        _peer = peer;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _logger = logger;
        InitiatedByUs = initiatedByUs;
    }

    /// <summary>True when we opened it (we have the larger id, or the peer was a pre-3.5 one).</summary>
    public bool InitiatedByUs { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.WhenAll(Task.Run(SendLoopAsync), Task.Run(ReceiveLoopAsync));

    /// <summary>A notification is waiting in the peer's slot.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        Log.ElectionConnectionBroken(_logger, _peer.Sid, reason);
        _channel.OnConnectionClosed(_peer, this);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            // SendWorker.run: with nothing queued, send the last message again; the peer may have lost it with the
            // connection it replaces (a duplicate does no harm to the election).
            var frame = _peer.TakeFirstFrame(this);
            while (true)
            {
                if (frame is not null)
                {
                    await _stream.WriteAsync(frame, _abort.Token).ConfigureAwait(false);
                    frame = _peer.TakePending(this);
                    continue;
                }

                if (!await _wake.Reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
                {
                    return;
                }

                _wake.Reader.TryRead(out _);
                frame = _peer.TakePending(this);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close("send failed: " + e.Message);
        }
    }

    /// <summary>RecvWorker.run: int length (0 &lt; length ≤ PACKETMAXSIZE, or the connection is broken), then the
    /// message; one WorkerReceiver cannot read is skipped.</summary>
    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(buffer.AsMemory(0, 4), _abort.Token).ConfigureAwait(false);
                int length = BinaryPrimitives.ReadInt32BigEndian(buffer);
                if (length <= 0 || length > NotificationCodec.MaxMessage)
                {
                    Log.BadNotificationLength(_logger, _peer.Sid, length, NotificationCodec.MaxMessage);
                    Close($"message length {length}");
                    return;
                }

                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                await _stream.ReadExactlyAsync(buffer.AsMemory(0, length), _abort.Token).ConfigureAwait(false);
                var notification = NotificationCodec.TryRead(buffer.AsSpan(0, length), out _);
                if (notification is null)
                {
                    Log.MalformedNotification(_logger, _peer.Sid, length);
                    continue;
                }

                _channel.Deliver(notification with { From = _peer.Sid, To = _channel.MyId });
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (EndOfStreamException)
        {
            Close("end of stream");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close("receive failed: " + e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
