namespace CoordAspire.Zab;

/// <summary>
/// One transaction as the consensus core sees it: a zxid and opaque bytes (the Database's serialized TxnHeader +
/// record). The core only orders transactions; it never looks inside <see cref="Data"/>.
/// </summary>
/// <param name="Zxid">Its place in the total order.</param>
/// <param name="Data">The serialized transaction, as it goes into the log and into PROPOSAL/INFORM packets.</param>
/// <param name="TraceContext">
/// Opaque trace context (a W3C traceparent) of the span that proposed it, so a follower's log/ack spans join the
/// leader's trace. On ZooKeeper's wire it travels in the QuorumPacket's authinfo vector as an Id with scheme
/// "traceparent": ZooKeeper's learners ignore authinfo on PROPOSAL, COMMIT and INFORM packets. It is not logged.
/// </param>
public sealed class Txn(long zxid, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> traceContext = default)
{
    public long Zxid { get; } = zxid;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public ReadOnlyMemory<byte> TraceContext { get; } = traceContext;

    public override string ToString() => $"txn {Zab.Zxid.ToHex(Zxid)} ({Data.Length} bytes)";
}
