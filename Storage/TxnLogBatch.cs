namespace CoordAspire.Storage;

/// <summary>
/// Transactions appended to a <see cref="FileTxnLog"/> and taken for writing (<see cref="FileTxnLog.TakeBatch"/>):
/// their serialized entries in a pooled buffer, and where a roll starts a new file among them. Consumed by
/// <see cref="FileTxnLog.Write"/>.
/// </summary>
public sealed class TxnLogBatch : IDisposable
{
    private PooledBuffer? _buffer;

    internal TxnLogBatch(PooledBuffer buffer, (int Offset, long Zxid)[] newFileAt, int count, long firstZxid, long lastZxid)
    {
        _buffer = buffer;
        NewFileAt = newFileAt;
        Count = count;
        FirstZxid = count == 0 ? 0 : firstZxid;
        LastZxid = count == 0 ? 0 : lastZxid;
        Length = buffer.WrittenCount;
    }

    /// <summary>Transactions in the batch.</summary>
    public int Count { get; }

    /// <summary>Zxid of the first transaction (0 when empty).</summary>
    public long FirstZxid { get; }

    /// <summary>Zxid of the last transaction (0 when empty).</summary>
    public long LastZxid { get; }

    /// <summary>Bytes of the serialized entries.</summary>
    public int Length { get; }

    internal (int Offset, long Zxid)[] NewFileAt { get; }

    internal ReadOnlySpan<byte> Bytes =>
        (_buffer ?? throw new ObjectDisposedException(nameof(TxnLogBatch), "the batch was already written")).WrittenSpan;

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
