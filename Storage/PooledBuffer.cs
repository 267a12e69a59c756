using System.Buffers;

namespace CoordAspire.Storage;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}"/>: the jute writer serialises into it, and, unlike
/// <see cref="ArrayBufferWriter{T}"/>, what was written stays writable so that a length or checksum reserved in
/// front of a record can be filled in once the record is written. Reused batch after batch, so appending a
/// transaction allocates nothing once the buffer has grown to the batch size.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    public PooledBuffer(int initialCapacity = 64 * 1024) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount => _written;

    public Span<byte> WrittenSpan => _array.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _array.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Forgets everything from <paramref name="length"/> on (0: everything).</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_written)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        _written = length;
    }

    public void Clear() => _written = 0;

    /// <summary>Hands the rented array over (for a consumer that returns it to the pool) and starts a fresh one.</summary>
    public (byte[] Array, int Length) Detach(int nextCapacity)
    {
        var detached = (_array, _written);
        _array = ArrayPool<byte>.Shared.Rent(nextCapacity);
        _written = 0;
        return detached;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
            _written = 0;
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= sizeHint)
        {
            return;
        }

        long wanted = Math.Max((long)_written + sizeHint, Math.Max(_array.Length * 2L, 256));
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        if (bigger.Length - _written < sizeHint)
        {
            ArrayPool<byte>.Shared.Return(bigger);
            throw new OutOfMemoryException($"a buffer of {(long)_written + sizeHint} bytes exceeds the largest array");
        }

        _array.AsSpan(0, _written).CopyTo(bigger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
