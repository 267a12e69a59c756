using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Records;

// Request records of module org.apache.zookeeper.proto, in the order of zookeeper.jute.

public readonly record struct CreateRequest(string Path, byte[]? Data, List<Acl> Acl, int Flags) : IJuteRecord<CreateRequest>
{
    public static CreateRequest Read(ref JuteReader reader) =>
        new(reader.ReadRequiredString("path"), reader.ReadBuffer(), Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(Flags);
    }
}

public readonly record struct CreateTtlRequest(string Path, byte[]? Data, List<Acl> Acl, int Flags, long Ttl) : IJuteRecord<CreateTtlRequest>
{
    public static CreateTtlRequest Read(ref JuteReader reader) =>
        new(reader.ReadRequiredString("path"), reader.ReadBuffer(), Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt(), reader.ReadLong());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(Flags);
        writer.WriteLong(Ttl);
    }
}

public readonly record struct DeleteRequest(string Path, int Version) : IJuteRecord<DeleteRequest>
{
    public static DeleteRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteInt(Version);
    }
}

/// <summary>The shape shared by exists, getData, getChildren and getChildren2 requests: a path and a watch flag.</summary>
public readonly record struct PathWatchRequest(string Path, bool Watch) : IJuteRecord<PathWatchRequest>
{
    public static PathWatchRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), reader.ReadBool());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBool(Watch);
    }
}

/// <summary>The shape shared by getACL, sync, getAllChildrenNumber and getEphemerals requests: one path.</summary>
public readonly record struct PathRequest(string Path) : IJuteRecord<PathRequest>
{
    public static PathRequest Read(ref JuteReader reader) => new(reader.ReadString() ?? "");

    public void Write(in JuteWriter writer) => writer.WriteString(Path);
}

public readonly record struct SetDataRequest(string Path, byte[]? Data, int Version) : IJuteRecord<SetDataRequest>
{
    public static SetDataRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), reader.ReadBuffer(), reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteBuffer(Data);
        writer.WriteInt(Version);
    }
}

public readonly record struct CheckVersionRequest(string Path, int Version) : IJuteRecord<CheckVersionRequest>
{
    public static CheckVersionRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteInt(Version);
    }
}

public readonly record struct SetAclRequest(string Path, List<Acl> Acl, int Version) : IJuteRecord<SetAclRequest>
{
    public static SetAclRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), Records.Acl.ReadList(ref reader) ?? [], reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        Records.Acl.WriteList(writer, Acl);
        writer.WriteInt(Version);
    }
}

public readonly record struct ReconfigRequest(string? JoiningServers, string? LeavingServers, string? NewMembers, long CurConfigId) : IJuteRecord<ReconfigRequest>
{
    public static ReconfigRequest Read(ref JuteReader reader) => new(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadLong());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(JoiningServers);
        writer.WriteString(LeavingServers);
        writer.WriteString(NewMembers);
        writer.WriteLong(CurConfigId);
    }
}

public readonly record struct AddWatchRequest(string Path, AddWatchMode Mode) : IJuteRecord<AddWatchRequest>
{
    public static AddWatchRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), (AddWatchMode)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteInt((int)Mode);
    }
}

/// <summary>The shape of checkWatches and removeWatches requests.</summary>
public readonly record struct WatchesRequest(string Path, WatcherType Type) : IJuteRecord<WatchesRequest>
{
    public static WatchesRequest Read(ref JuteReader reader) => new(reader.ReadRequiredString("path"), (WatcherType)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Path);
        writer.WriteInt((int)Type);
    }
}

/// <summary>
/// SetWatches (opcode 101) and SetWatches2 (opcode 105) in one type: the first has no persistent lists,
/// which read as empty.
/// </summary>
public readonly record struct SetWatchesRequest(
    long RelativeZxid,
    List<string> DataWatches,
    List<string> ExistWatches,
    List<string> ChildWatches,
    List<string> PersistentWatches,
    List<string> PersistentRecursiveWatches)
{
    public static SetWatchesRequest Read(ref JuteReader reader, bool version2)
    {
        long relativeZxid = reader.ReadLong();
        var data = reader.ReadStringVector() ?? [];
        var exist = reader.ReadStringVector() ?? [];
        var child = reader.ReadStringVector() ?? [];
        var persistent = version2 ? reader.ReadStringVector() ?? [] : [];
        var recursive = version2 ? reader.ReadStringVector() ?? [] : [];
        return new SetWatchesRequest(relativeZxid, data, exist, child, persistent, recursive);
    }

    public void Write(in JuteWriter writer, bool version2)
    {
        writer.WriteLong(RelativeZxid);
        writer.WriteStringVector(DataWatches);
        writer.WriteStringVector(ExistWatches);
        writer.WriteStringVector(ChildWatches);
        if (version2)
        {
            writer.WriteStringVector(PersistentWatches);
            writer.WriteStringVector(PersistentRecursiveWatches);
        }
    }
}
