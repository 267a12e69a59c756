using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Txn;

/// <summary>
/// Heads every transaction: who asked (session and cxid), its zxid, the leader's clock when it was prepared
/// (so that every replica stamps the same mtime), and its type.
/// </summary>
public readonly record struct TxnHeader(long ClientId, int Cxid, long Zxid, long Time, OpCode Type) : IJuteRecord<TxnHeader>
{
    public static TxnHeader Read(ref JuteReader reader) =>
        new(reader.ReadLong(), reader.ReadInt(), reader.ReadLong(), reader.ReadLong(), (OpCode)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteLong(ClientId);
        writer.WriteInt(Cxid);
        writer.WriteLong(Zxid);
        writer.WriteLong(Time);
        writer.WriteInt((int)Type);
    }
}
