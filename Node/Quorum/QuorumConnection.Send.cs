using System.Net.Sockets;
using System.Threading.Channels;
using CoordAspire.Protocol.Buffers;
using CoordAspire.Quorum.Wire;
using CoordAspire.Zab;
using Channel = System.Threading.Channels.Channel;

namespace CoordAspire.Node.Quorum;

// The sending side: Enqueue encodes on the caller's thread into a pooled buffer; the send task swaps it with a second
// one and writes all of it at once, so a burst of packets is one write and one flush (LearnerHandler.sendPackets
// flushes when its queue runs empty, for the same reason), and the steady state allocates nothing.
internal sealed partial class QuorumConnection
{
    private readonly Lock _outLock = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private PooledBufferWriter _pending = new(64 * 1024, 4 * 1024 * 1024);
    private PooledBufferWriter _sending = new(64 * 1024, 4 * 1024 * 1024);
    private long _inFlight;
    private bool _closeRequested;

    /// <summary>
    /// Encodes <paramref name="message"/> behind what is queued. False when the connection is closing or gone (the
    /// message is dropped; a connection that broke reports that itself).
    /// </summary>
    public bool Enqueue(QuorumMessage message, ReadOnlySpan<byte> quorumVerifier)
    {
        long backlog;
        lock (_outLock)
        {
            if (_closeRequested || IsFinished)
            {
                return false;
            }

            int start = _pending.WrittenCount;
            try
            {
                QuorumPacketWriter.Write(message, Outgoing, _pending, quorumVerifier);
            }
            catch
            {
                _pending.Truncate(start);
                throw;
            }

            backlog = _pending.WrittenCount + _inFlight;
        }

        if (backlog > _options.MaxOutboundBacklog)
        {
            Log.QuorumBacklogExceeded(_logger, Peer, backlog);
            Finish("the peer does not read what we send", failure: true, postReport: true);
            return true;
        }

        _wake.Writer.TryWrite(true);
        return true;
    }

    /// <summary>
    /// The core's <see cref="CloseConnection"/>: nothing more is delivered from the peer or accepted for it; what was
    /// queued is sent, then our side is shut down. Not a loss: the core asked for it.
    /// </summary>
    public void CloseAfterFlush()
    {
        _silent = true;
        StopDeliveries();
        lock (_outLock)
        {
            _closeRequested = true;
        }

        _wake.Writer.TryWrite(true);
    }

    private async Task SendLoopAsync()
    {
        var wake = _wake.Reader;
        try
        {
            while (true)
            {
                bool close;
                lock (_outLock)
                {
                    (_pending, _sending) = (_sending, _pending);
                    _inFlight = _sending.WrittenCount;
                    close = _closeRequested && _sending.WrittenCount == 0;
                }

                if (_sending.WrittenCount > 0)
                {
                    await _stream!.WriteAsync(_sending.WrittenMemory, _abort.Token).ConfigureAwait(false);
                    lock (_outLock)
                    {
                        _sending.Clear();
                        _inFlight = 0;
                    }

                    continue;
                }

                if (close)
                {
                    await CloseGracefullyAsync().ConfigureAwait(false);
                    return;
                }

                if (!await wake.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
                {
                    return;
                }

                wake.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Finish("connection lost: " + e.Message, failure: true);
        }
        finally
        {
            lock (_outLock)
            {
                _pending.Release();
                _sending.Release();
            }
        }
    }

    /// <summary>A FIN after the last byte, then a moment for the peer to close its side, so that a reset from
    /// closing with its bytes unread cannot destroy what we sent last.</summary>
    private async Task CloseGracefullyAsync()
    {
        try
        {
            _socket!.Shutdown(SocketShutdown.Send);
            await Task.WhenAny(_receiving, Task.Delay(CloseLinger, _abort.Token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        Finish("closed as asked", failure: false);
    }
}
