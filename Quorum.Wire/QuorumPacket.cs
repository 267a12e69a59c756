using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// The jute record every message on the quorum port is (<c>zookeeper.jute</c>, module
/// <c>org.apache.zookeeper.server.quorum</c>):
/// <code>
/// class QuorumPacket {
///     int type;                                  // PacketType (Leader.java's constants)
///     long zxid;
///     buffer data;                               // int length (-1 = null), then the bytes
///     vector&lt;org.apache.zookeeper.data.Id&gt; authinfo;  // int count (-1 = null), then { string scheme; string id }
/// }
/// </code>
/// <para>
/// Unlike the client port, the quorum port has no frame length: packets follow each other back to back, written by
/// <c>BinaryOutputArchive.writeRecord</c> over a buffered socket stream, so a reader finds a packet's end by walking
/// its lengths (<see cref="QuorumPacketFraming"/>). After a SNAP packet the snapshot body follows raw, not inside
/// <see cref="Data"/> (<see cref="SnapshotTransfer"/>).
/// </para>
/// <para>
/// This is the generic record, for tests and tools; the connections encode and decode Zab messages directly
/// (<see cref="QuorumPacketWriter"/>, <see cref="QuorumPacketReader"/>) without building one.
/// </para>
/// </summary>
/// <param name="Data">null is written as length -1, as ZooKeeper does for every packet without data.</param>
/// <param name="AuthInfo">null is written as count -1 (every packet but REQUEST and a learner's PING reply).</param>
internal sealed record QuorumPacket(int Type, long Zxid, byte[]? Data, IReadOnlyList<Id>? AuthInfo) : IJuteRecord<QuorumPacket>
{
    public static QuorumPacket Read(ref JuteReader reader)
    {
        int type = reader.ReadInt();
        long zxid = reader.ReadLong();
        byte[]? data = reader.ReadBuffer();
        int count = reader.ReadVectorCount();
        List<Id>? authInfo = null;
        if (count >= 0)
        {
            authInfo = new List<Id>(count);
            for (int i = 0; i < count; i++)
            {
                authInfo.Add(Id.Read(ref reader));
            }
        }

        return new QuorumPacket(type, zxid, data, authInfo);
    }

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(Type);
        writer.WriteLong(Zxid);
        writer.WriteBuffer(Data);
        if (AuthInfo is null)
        {
            writer.WriteInt(-1);
            return;
        }

        writer.WriteInt(AuthInfo.Count);
        foreach (var id in AuthInfo)
        {
            id.Write(writer);
        }
    }
}
