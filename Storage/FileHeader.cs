using System.Buffers.Binary;

namespace CoordAspire.Storage;

/// <summary>
/// The 16 bytes at the start of every transaction log and snapshot file (jute record <c>FileHeader</c> of
/// <c>zookeeper.jute</c>), big-endian:
/// <code>
/// offset 0  int  magic    "ZKLG" (0x5a4b4c47) for a log, "ZKSN" (0x5a4b534e) for a snapshot
/// offset 4  int  version  2
/// offset 8  long dbid     0 for a log, -1 for a snapshot
/// </code>
/// ZooKeeper checks only the magic when reading; so do we.
/// </summary>
public readonly record struct FileHeader(int Magic, int Version, long Dbid)
{
    public const int Size = 16;

    /// <summary><c>FileTxnLog.TXNLOG_MAGIC</c>: "ZKLG" read as a big-endian int.</summary>
    public const int TxnLogMagic = 0x5a4b4c47;

    /// <summary><c>FileSnap.SNAP_MAGIC</c>: "ZKSN" read as a big-endian int.</summary>
    public const int SnapshotMagic = 0x5a4b534e;

    /// <summary><c>FileTxnLog.VERSION</c> and <c>FileSnap.VERSION</c>; also the N of the version-N directories.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The header ZooKeeper writes on a transaction log (its <c>dbId</c> is never set, so 0).</summary>
    public static FileHeader TxnLog { get; } = new(TxnLogMagic, CurrentVersion, 0);

    /// <summary>The header ZooKeeper writes on a snapshot (<c>FileSnap.dbId</c> = -1).</summary>
    public static FileHeader Snapshot { get; } = new(SnapshotMagic, CurrentVersion, -1);

    public static FileHeader Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt32BigEndian(bytes),
        BinaryPrimitives.ReadInt32BigEndian(bytes[4..]),
        BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, Magic);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], Version);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], Dbid);
    }
}
