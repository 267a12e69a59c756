namespace CoordAspire.Zab;

/// <summary>
/// A ZooKeeper transaction id: the leader's epoch in the high 32 bits and a counter the leader increments for
/// every proposal in the low 32 bits (ZxidUtils.makeZxid). Zxids order every transaction ever proposed; within one
/// epoch they are contiguous, because only that epoch's one leader hands them out.
/// </summary>
public static class Zxid
{
    /// <summary>The counter value at which a leader must give up its epoch (ZooKeeper forces a re-election).</summary>
    public const long MaxCounter = 0xffffffffL;

    public static long Make(long epoch, long counter) => (epoch << 32) | (counter & 0xffffffffL);

    public static long EpochOf(long zxid) => zxid >> 32;

    public static long CounterOf(long zxid) => zxid & 0xffffffffL;

    public static string ToHex(long zxid) => "0x" + zxid.ToString("x");
}
