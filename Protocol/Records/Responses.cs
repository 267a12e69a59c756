using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Records;

// Response records of module org.apache.zookeeper.proto. Several responses share one shape;
// the shared shape is named for what it carries.

/// <summary>create's reply, and sync's (SyncResponse is the same single path).</summary>
public readonly record struct PathResponse(string Path) : IJuteRecord<PathResponse>
{
    public static PathResponse Read(ref JuteReader reader) => new(reader.ReadString() ?? "");

    public void Write(in JuteWriter writer) => writer.WriteString(Path);
}

public readonly record struct Create2Response(string Path, Stat Stat) : IJuteRecord<Create2Response>
{
    public static Create2Response Read(ref JuteReader reader) => new(reader.ReadString() ?? "", Stat.Read(ref reader));

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        Stat.Write(writer);
    }
}

/// <summary>The reply of exists, setData and setACL: one Stat.</summary>
public readonly record struct StatResponse(Stat Stat) : IJuteRecord<StatResponse>
{
    public static StatResponse Read(ref JuteReader reader) => new(Stat.Read(ref reader));

    public void Write(in JuteWriter writer) => Stat.Write(writer);
}

public readonly record struct GetDataResponse(byte[]? Data, Stat Stat) : IJuteRecord<GetDataResponse>
{
    public static GetDataResponse Read(ref JuteReader reader) => new(reader.ReadBuffer(), Stat.Read(ref reader));

    public void Write(in JuteWriter writer)
    {
        writer.WriteBuffer(Data);
        Stat.Write(writer);
    }
}

/// <summary>The reply of getChildren and of getEphemerals: a list of names.</summary>
public readonly record struct StringListResponse(IReadOnlyList<string> Items) : IJuteRecord<StringListResponse>
{
    public static StringListResponse Read(ref JuteReader reader) => new(reader.ReadStringVector() ?? []);

    public void Write(in JuteWriter writer) => writer.WriteStringVector(Items);
}

public readonly record struct GetChildren2Response(IReadOnlyList<string> Children, Stat Stat) : IJuteRecord<GetChildren2Response>
{
    public static GetChildren2Response Read(ref JuteReader reader) => new(reader.ReadStringVector() ?? [], Stat.Read(ref reader));

    public void Write(in JuteWriter writer)
    {
        writer.WriteStringVector(Children);
        Stat.Write(writer);
    }
}

public readonly record struct GetAclResponse(IReadOnlyList<Acl> Acl, Stat Stat) : IJuteRecord<GetAclResponse>
{
    public static GetAclResponse Read(ref JuteReader reader) => new(Records.Acl.ReadList(ref reader) ?? [], Stat.Read(ref reader));

    public void Write(in JuteWriter writer)
    {
        Records.Acl.WriteList(writer, Acl);
        Stat.Write(writer);
    }
}

/// <summary>The reply of getAllChildrenNumber, and the body of ErrorResponse: one int.</summary>
public readonly record struct IntResponse(int Value) : IJuteRecord<IntResponse>
{
    public static IntResponse Read(ref JuteReader reader) => new(reader.ReadInt());

    public void Write(in JuteWriter writer) => writer.WriteInt(Value);
}

public readonly record struct WhoAmIResponse(IReadOnlyList<ClientInfo> ClientInfo) : IJuteRecord<WhoAmIResponse>
{
    public static WhoAmIResponse Read(ref JuteReader reader)
    {
        int count = reader.ReadVectorCount();
        var list = new List<ClientInfo>(Math.Max(count, 0));
        for (int i = 0; i < count; i++)
        {
            list.Add(Records.ClientInfo.Read(ref reader));
        }

        return new WhoAmIResponse(list);
    }

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(ClientInfo.Count);
        foreach (var info in ClientInfo)
        {
            info.Write(writer);
        }
    }
}

/// <summary>Precedes each operation of a multi request and each result of its reply; a header with <c>done</c> ends the list.</summary>
public readonly record struct MultiHeader(OpCode Type, bool Done, ErrorCode Err) : IJuteRecord<MultiHeader>
{
    public static readonly MultiHeader End = new((OpCode)(-1), true, (ErrorCode)(-1));

    public static MultiHeader Read(ref JuteReader reader) => new((OpCode)reader.ReadInt(), reader.ReadBool(), (ErrorCode)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt((int)Type);
        writer.WriteBool(Done);
        writer.WriteInt((int)Err);
    }
}
