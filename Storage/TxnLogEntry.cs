using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Storage;

/// <summary>
/// <c>TxnDigest</c> of <c>zookeeper.jute</c>: ZooKeeper 3.6+ appends the digest of its whole tree after the
/// transaction body (<c>zookeeper.digest.enabled</c>, on by default in 3.8). We keep no such digest, so we write
/// none; we read it when present.
/// </summary>
public readonly record struct TxnDigest(int Version, long TreeDigest)
{
    public const int Size = 12;
}

/// <summary>One transaction read from the log (<c>TxnLogEntry</c>): header, body and, if ZooKeeper wrote one, its digest.</summary>
public readonly record struct TxnLogEntry(TxnHeader Header, TxnRecord? Record, TxnDigest? Digest)
{
    /// <summary>
    /// Parses the serialized transaction of one log entry: <c>TxnHeader</c>, the body its type calls for, then an
    /// optional <see cref="TxnDigest"/> (<c>SerializeUtils.deserializeTxn</c>).
    /// </summary>
    public static TxnLogEntry Parse(ReadOnlySpan<byte> txnBytes)
    {
        var reader = new JuteReader(txnBytes);
        var header = TxnHeader.Read(ref reader);
        var record = TxnCodec.ReadRecord(header.Type, ref reader);
        TxnDigest? digest = null;
        if (reader.Remaining >= TxnDigest.Size)
        {
            digest = new TxnDigest(reader.ReadInt(), reader.ReadLong());
        }

        return new TxnLogEntry(header, record, digest);
    }
}
