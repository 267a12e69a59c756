using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Txn;

/// <summary>
/// Maps a transaction type to its body record, as <c>SerializeUtils.deserializeTxn</c> does. The same mapping
/// serves the transaction log, snapshots' replay and the quorum's PROPOSAL packets.
/// </summary>
public static class TxnCodec
{
    /// <summary>Reads the body of a transaction of <paramref name="type"/>; null for a type without one (a pre-3.6 closeSession).</summary>
    public static TxnRecord? ReadRecord(OpCode type, ref JuteReader reader) => type switch
    {
        OpCode.CreateSession => CreateSessionTxn.Read(ref reader),
        OpCode.CloseSession => reader.End ? null : CloseSessionTxn.Read(ref reader),
        OpCode.Create or OpCode.Create2 => CreateTxn.Read(ref reader),
        OpCode.CreateTtl => CreateTtlTxn.Read(ref reader),
        OpCode.CreateContainer => CreateContainerTxn.Read(ref reader),
        OpCode.Delete or OpCode.DeleteContainer => DeleteTxn.Read(ref reader),
        OpCode.SetData or OpCode.Reconfig => SetDataTxn.Read(ref reader),
        OpCode.SetAcl => SetAclTxn.Read(ref reader),
        OpCode.Check => CheckVersionTxn.Read(ref reader),
        OpCode.Error => ErrorTxn.Read(ref reader),
        OpCode.Multi => MultiTxn.Read(ref reader),
        _ => throw new JuteException($"unsupported transaction type {(int)type}"),
    };

    /// <summary>Reads a header and its body from one serialized transaction.</summary>
    public static (TxnHeader Header, TxnRecord? Record) Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new JuteReader(bytes);
        var header = TxnHeader.Read(ref reader);
        var record = ReadRecord(header.Type, ref reader);
        return (header, record);
    }

    public static void Write(in JuteWriter writer, in TxnHeader header, TxnRecord? record)
    {
        header.Write(writer);
        record?.Write(writer);
    }
}
