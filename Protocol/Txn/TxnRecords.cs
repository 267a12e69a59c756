using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Protocol.Txn;

// Module org.apache.zookeeper.txn of zookeeper.jute. A transaction is idempotent: it carries absolute
// versions and the parent's resulting cversion, so applying it again (as fuzzy snapshots require) converges.

/// <summary>The body of a transaction; which record it is follows from <see cref="TxnHeader.Type"/>.</summary>
public abstract record TxnRecord
{
    public abstract void Write(in JuteWriter writer);
}

/// <summary>create and create2; <c>Ephemeral</c> is set for ephemeral modes and the owner is the header's session.</summary>
public sealed record CreateTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, bool Ephemeral, int ParentCVersion) : TxnRecord
{
    public static CreateTxn Read(ref JuteReader reader) =>
        new(reader.ReadString() ?? "", reader.ReadBuffer(), Records.Acl.ReadList(ref reader) ?? [], reader.ReadBool(), reader.ReadInt());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteBool(Ephemeral);
        writer.WriteInt(ParentCVersion);
    }
}

public sealed record CreateTtlTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, int ParentCVersion, long Ttl) : TxnRecord
{
    public static CreateTtlTxn Read(ref JuteReader reader) =>
        new(reader.ReadString() ?? "", reader.ReadBuffer(), Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt(), reader.ReadLong());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(ParentCVersion);
        writer.WriteLong(Ttl);
    }
}

public sealed record CreateContainerTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, int ParentCVersion) : TxnRecord
{
    public static CreateContainerTxn Read(ref JuteReader reader) =>
        new(reader.ReadString() ?? "", reader.ReadBuffer(), Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(ParentCVersion);
    }
}

/// <summary>delete and deleteContainer.</summary>
public sealed record DeleteTxn(string Path) : TxnRecord
{
    public static DeleteTxn Read(ref JuteReader reader) => new(reader.ReadString() ?? "");

    public override void Write(in JuteWriter writer) => writer.WriteString(Path);
}

/// <summary>setData; <c>Version</c> is the znode's version after the change.</summary>
public sealed record SetDataTxn(string Path, byte[]? Data, int Version) : TxnRecord
{
    public static SetDataTxn Read(ref JuteReader reader) => new(reader.ReadString() ?? "", reader.ReadBuffer(), reader.ReadInt());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        writer.WriteInt(Version);
    }
}

public sealed record CheckVersionTxn(string Path, int Version) : TxnRecord
{
    public static CheckVersionTxn Read(ref JuteReader reader) => new(reader.ReadString() ?? "", reader.ReadInt());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteInt(Version);
    }
}

/// <summary>setACL; <c>Version</c> is the znode's aversion after the change.</summary>
public sealed record SetAclTxn(string Path, IReadOnlyList<Acl> Acl, int Version) : TxnRecord
{
    public static SetAclTxn Read(ref JuteReader reader) => new(reader.ReadString() ?? "", Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt());

    public override void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(Version);
    }
}

public sealed record CreateSessionTxn(int TimeOut) : TxnRecord
{
    public static CreateSessionTxn Read(ref JuteReader reader) => new(reader.ReadInt());

    public override void Write(in JuteWriter writer) => writer.WriteInt(TimeOut);
}

/// <summary>closeSession, naming the ephemerals it deletes (so that a replica's apply needs no lookup of its own).</summary>
public sealed record CloseSessionTxn(IReadOnlyList<string> Paths2Delete) : TxnRecord
{
    public static CloseSessionTxn Read(ref JuteReader reader) => new(reader.ReadStringVector() ?? []);

    public override void Write(in JuteWriter writer) => writer.WriteStringVector(Paths2Delete);
}

/// <summary>A request that failed in preparation: logged so that the session's cxid order is kept.</summary>
public sealed record ErrorTxn(ErrorCode Err) : TxnRecord
{
    public static ErrorTxn Read(ref JuteReader reader) => new((ErrorCode)reader.ReadInt());

    public override void Write(in JuteWriter writer) => writer.WriteInt((int)Err);
}

/// <summary>One operation of a <see cref="MultiTxn"/>: its type and its serialized body.</summary>
public readonly record struct MultiTxnEntry(OpCode Type, TxnRecord Record);

/// <summary>multi: every operation, or (when one failed) ErrorTxns with the failing code and RUNTIMEINCONSISTENCY around it.</summary>
public sealed record MultiTxn(IReadOnlyList<MultiTxnEntry> Txns) : TxnRecord
{
    public static MultiTxn Read(ref JuteReader reader)
    {
        int count = reader.ReadVectorCount();
        var list = new List<MultiTxnEntry>(Math.Max(count, 0));
        for (int i = 0; i < count; i++)
        {
            var type = (OpCode)reader.ReadInt();
            var body = reader.ReadBufferSpan();
            var inner = new JuteReader(body);
            list.Add(new MultiTxnEntry(type, TxnCodec.ReadRecord(type, ref inner)
                ?? throw new JuteException($"multi holds a txn of type {type} with no body")));
        }

        return new MultiTxn(list);
    }

    public override void Write(in JuteWriter writer)
    {
        writer.WriteInt(Txns.Count);
        var scratch = new System.Buffers.ArrayBufferWriter<byte>(256);
        foreach (var txn in Txns)
        {
            scratch.ResetWrittenCount();
            txn.Record.Write(new JuteWriter(scratch));
            writer.WriteInt((int)txn.Type);
            writer.WriteBuffer(scratch.WrittenSpan);
        }
    }
}
