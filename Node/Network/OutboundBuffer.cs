using CoordAspire.Protocol.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Network;

/// <summary>
/// What a connection has to send, framed and waiting: the request loop appends frames (4-byte big-endian length,
/// then the record) and the connection's sender takes everything appended so far in one swap of two pooled buffers.
/// A lock guards the swap and the appends, never a socket write, so the loop is never blocked by a slow client: that
/// client's backlog grows instead, until <see cref="Backlog"/> tells its connection to give up on it.
/// </summary>
internal sealed class OutboundBuffer : IDisposable
{
    private readonly Lock _lock = new();
    private PooledBufferWriter _pending = new();
    private PooledBufferWriter _sending = new();
    private int _inFlight;
    private bool _disposed;

    /// <summary>Bytes appended but not yet written to the socket, including those being written right now.</summary>
    public long Backlog
    {
        get
        {
            lock (_lock)
            {
                return (long)_pending.WrittenCount + _inFlight;
            }
        }
    }

    /// <summary>
    /// Appends one frame holding <paramref name="record"/>; returns the backlog it makes (see <see cref="Backlog"/>),
    /// or 0 once disposed, when the frame is dropped.
    /// </summary>
    public long WriteFrame<T>(in T record) where T : struct, IJuteRecord<T>
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return 0;
            }

            int start = _pending.ReserveInt32();
            try
            {
                record.Write(new JuteWriter(_pending));
            }
            catch
            {
                _pending.Truncate(start);
                throw;
            }

            return EndFrame(start);
        }
    }

    /// <summary>Appends one frame holding a reply header and its body; returns the backlog as <see cref="WriteFrame{T}(in T)"/>.</summary>
    public long WriteFrame<T>(in ReplyHeader header, in T body) where T : struct, IJuteRecord<T>
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return 0;
            }

            int start = _pending.ReserveInt32();
            try
            {
                var writer = new JuteWriter(_pending);
                header.Write(writer);
                body.Write(writer);
            }
            catch
            {
                _pending.Truncate(start);
                throw;
            }

            return EndFrame(start);
        }
    }

    /// <summary>Appends unframed bytes: the text answer of a four letter word.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                bytes.CopyTo(_pending.GetSpan(bytes.Length));
                _pending.Advance(bytes.Length);
            }
        }
    }

    /// <summary>
    /// Sender side: takes everything appended so far. The returned memory stays valid until the next call to
    /// <see cref="TryTake"/> or <see cref="Dispose"/>; only the one sender may call this.
    /// </summary>
    public bool TryTake(out ReadOnlyMemory<byte> bytes)
    {
        lock (_lock)
        {
            _sending.Clear();
            _inFlight = 0;
            if (_disposed || _pending.WrittenCount == 0)
            {
                bytes = default;
                return false;
            }

            (_pending, _sending) = (_sending, _pending);
            _inFlight = _sending.WrittenCount;
            bytes = _sending.WrittenMemory;
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _pending.Dispose();
            _sending.Dispose();
            _inFlight = 0;
        }
    }

    private long EndFrame(int start)
    {
        _pending.PatchInt32(start, _pending.WrittenCount - start - 4);
        return (long)_pending.WrittenCount + _inFlight;
    }
}
