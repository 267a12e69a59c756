using System.Buffers;
using System.Buffers.Binary;

namespace CoordAspire.Protocol.Buffers;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, shared by the
/// server's connections and the client's requests. Unlike <see cref="ArrayBufferWriter{T}"/> it lets a frame's length
/// prefix (and the client's xid) be patched after the body is written, and it gives its array back when it has
/// grown past <c>retainLimit</c> and is empty again, so a steady stream of frames allocates nothing.
/// </summary>
/// <param name="initialSize">The first array rented: small for a request, larger for a connection's outbox.</param>
/// <param name="retainLimit">An emptied buffer bigger than this goes back to the pool rather than staying.</param>
public sealed class PooledBufferWriter(int initialSize = 4096, int retainLimit = 256 * 1024) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = [];
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Reserves four bytes for a length prefix and returns their offset, for <see cref="PatchInt32"/>.</summary>
    public int ReserveInt32()
    {
        int offset = _written;
        GetSpan(4);
        _written += 4;
        return offset;
    }

    public void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    /// <summary>Forgets what was written, keeping the array unless it has grown large.</summary>
    public void Clear()
    {
        _written = 0;
        if (_buffer.Length > retainLimit)
        {
            ReturnBuffer();
        }
    }

    /// <summary>Drops everything written after <paramref name="count"/> bytes (a frame that failed half-way).</summary>
    public void Truncate(int count) => _written = Math.Min(_written, count);

    /// <summary>Gives the array back to the pool; the writer stays usable and rents again when written to.</summary>
    public void Release()
    {
        _written = 0;
        ReturnBuffer();
    }

    public void Dispose() => Release();

    private void Ensure(int sizeHint)
    {
        int needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        int size = Math.Max(needed, Math.Max(initialSize, _buffer.Length * 2));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ReturnBuffer();
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }
}
