using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Records;

// Module org.apache.zookeeper.data of zookeeper.jute.

/// <summary>An identity: an auth scheme and an id in it (<c>world:anyone</c>, <c>digest:user:hash</c>, <c>ip:10.0.0.0/8</c>).</summary>
public readonly record struct Id(string Scheme, string Ident) : IJuteRecord<Id>
{
    public static readonly Id Anyone = new("world", "anyone");

    public static Id Read(ref JuteReader reader) => new(reader.ReadString() ?? "", reader.ReadString() ?? "");

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(Scheme);
        writer.WriteString(Ident);
    }

    public override string ToString() => $"{Scheme}:{Ident}";
}

/// <summary>One entry of a znode's access control list.</summary>
public readonly record struct Acl(Perms Perms, Id Id) : IJuteRecord<Acl>
{
    public static Acl Read(ref JuteReader reader) => new((Perms)reader.ReadInt(), Id.Read(ref reader));

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt((int)Perms);
        Id.Write(writer);
    }

    public static List<Acl>? ReadList(ref JuteReader reader)
    {
        int count = reader.ReadVectorCount();
        if (count < 0)
        {
            return null;
        }

        var list = new List<Acl>(count);
        for (int i = 0; i < count; i++)
        {
            list.Add(Read(ref reader));
        }

        return list;
    }

    public static void WriteList(in JuteWriter writer, IReadOnlyList<Acl>? acls)
    {
        if (acls is null)
        {
            writer.WriteInt(-1);
            return;
        }

        writer.WriteInt(acls.Count);
        for (int i = 0; i < acls.Count; i++)
        {
            acls[i].Write(writer);
        }
    }
}

/// <summary>The well-known ACLs of <c>ZooDefs.Ids</c>.</summary>
public static class Acls
{
    public static readonly IReadOnlyList<Acl> OpenAclUnsafe = [new(Perms.All, Id.Anyone)];

    public static readonly IReadOnlyList<Acl> ReadAclUnsafe = [new(Perms.Read, Id.Anyone)];

    public static readonly IReadOnlyList<Acl> CreatorAllAcl = [new(Perms.All, new Id("auth", ""))];
}

/// <summary>A znode's metadata as the client sees it.</summary>
public readonly record struct Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid) : IJuteRecord<Stat>
{
    public const int SerializedSize = (8 * 4) + (4 * 3) + 8 + (4 * 2) + 8;

    public static Stat Read(ref JuteReader reader) => new(
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadInt(),
        reader.ReadInt(),
        reader.ReadInt(),
        reader.ReadLong(),
        reader.ReadInt(),
        reader.ReadInt(),
        reader.ReadLong());

    public void Write(in JuteWriter writer)
    {
        writer.WriteLong(Czxid);
        writer.WriteLong(Mzxid);
        writer.WriteLong(Ctime);
        writer.WriteLong(Mtime);
        writer.WriteInt(Version);
        writer.WriteInt(Cversion);
        writer.WriteInt(Aversion);
        writer.WriteLong(EphemeralOwner);
        writer.WriteInt(DataLength);
        writer.WriteInt(NumChildren);
        writer.WriteLong(Pzxid);
    }
}

/// <summary>A znode's metadata as the server stores it: <see cref="Stat"/> without the derived counts.</summary>
public readonly record struct StatPersisted(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    long Pzxid) : IJuteRecord<StatPersisted>
{
    public static StatPersisted Read(ref JuteReader reader) => new(
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadLong(),
        reader.ReadInt(),
        reader.ReadInt(),
        reader.ReadInt(),
        reader.ReadLong(),
        reader.ReadLong());

    public void Write(in JuteWriter writer)
    {
        writer.WriteLong(Czxid);
        writer.WriteLong(Mzxid);
        writer.WriteLong(Ctime);
        writer.WriteLong(Mtime);
        writer.WriteInt(Version);
        writer.WriteInt(Cversion);
        writer.WriteInt(Aversion);
        writer.WriteLong(EphemeralOwner);
        writer.WriteLong(Pzxid);
    }
}

/// <summary>One authenticated identity of a session, as whoAmI reports it.</summary>
public readonly record struct ClientInfo(string AuthScheme, string User) : IJuteRecord<ClientInfo>
{
    public static ClientInfo Read(ref JuteReader reader) => new(reader.ReadString() ?? "", reader.ReadString() ?? "");

    public void Write(in JuteWriter writer)
    {
        writer.WriteString(AuthScheme);
        writer.WriteString(User);
    }
}
