namespace CoordAspire.Storage;

/// <summary>
/// When to take a snapshot (<c>SyncRequestProcessor.shouldSnapshot</c>): once more than snapCount/2 plus a random
/// share of snapCount/2 transactions were logged since the last one, or (size limit on) more than half the size
/// limit plus a random share of the other half of log bytes. The random share differs per server so that an
/// ensemble does not snapshot all at once; the caller passes each server its own seeded <see cref="Random"/>.
/// </summary>
/// <remarks>
/// The caller, on its request loop: <c>if (policy.RecordAppend(bytes)) { log.RollLog(); start a snapshot }</c>, as
/// ZooKeeper rolls the log and starts its snapshot thread (skipping the snapshot, not the roll, while the previous
/// one is still being written).
/// </remarks>
public sealed class SnapshotPolicy
{
    /// <summary><c>zookeeper.snapCount</c>'s default.</summary>
    public const int DefaultSnapCount = 100_000;

    /// <summary><c>zookeeper.snapSizeLimitInKb</c>'s default (4 GiB); ≤ 0 turns the size rule off.</summary>
    public const long DefaultSnapSizeInBytes = 4L * 1024 * 1024 * 1024;

    private readonly Random _random;
    private int _randRoll;
    private long _randSize;

    public SnapshotPolicy(Random random, int snapCount = DefaultSnapCount, long snapSizeInBytes = DefaultSnapSizeInBytes)
    {
        // SyncRequestProcessor keeps snapCount at 2 or more (nextInt(snapCount / 2) needs a positive bound).
        SnapCount = Math.Max(snapCount, 2);
        SnapSizeInBytes = snapSizeInBytes;
        _random = random;
        Reset();
    }

    public int SnapCount { get; }

    public long SnapSizeInBytes { get; }

    /// <summary>Transactions logged since the last snapshot was due.</summary>
    public int TxnCount { get; private set; }

    /// <summary>Log bytes written since the last snapshot was due.</summary>
    public long TxnBytes { get; private set; }

    /// <summary>
    /// Counts one appended transaction of <paramref name="bytes"/> bytes; true when a snapshot is due, after which
    /// the counts restart with new random shares.
    /// </summary>
    public bool RecordAppend(int bytes)
    {
        TxnCount++;
        TxnBytes += bytes;
        bool due = TxnCount > (SnapCount / 2) + _randRoll
            || (SnapSizeInBytes > 0 && TxnBytes > (SnapSizeInBytes / 2) + _randSize);
        if (due)
        {
            Reset();
        }

        return due;
    }

    private void Reset()
    {
        TxnCount = 0;
        TxnBytes = 0;
        _randRoll = _random.Next(SnapCount / 2);
        _randSize = SnapSizeInBytes > 1 ? _random.NextInt64(SnapSizeInBytes / 2) : 0;
    }
}
