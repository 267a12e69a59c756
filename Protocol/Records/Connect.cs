using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Records;

/// <summary>
/// The first frame a client sends. <see cref="ReadOnly"/> is optional on the wire: clients before 3.4 do not
/// send it, and the server must then answer without it too (<c>ClientCnxnSocket</c>, <c>ZooKeeperServer.processConnectRequest</c>).
/// </summary>
public readonly record struct ConnectRequest(
    int ProtocolVersion,
    long LastZxidSeen,
    int TimeOut,
    long SessionId,
    byte[] Passwd,
    bool ReadOnly,
    bool HasReadOnlyField) : IJuteRecord<ConnectRequest>
{
    public static ConnectRequest Read(ref JuteReader reader)
    {
        int protocolVersion = reader.ReadInt();
        long lastZxidSeen = reader.ReadLong();
        int timeOut = reader.ReadInt();
        long sessionId = reader.ReadLong();
        byte[] passwd = reader.ReadBuffer() ?? [];
        bool hasReadOnly = !reader.End;
        bool readOnly = hasReadOnly && reader.ReadBool();
        return new ConnectRequest(protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly, hasReadOnly);
    }

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(ProtocolVersion);
        writer.WriteLong(LastZxidSeen);
        writer.WriteInt(TimeOut);
        writer.WriteLong(SessionId);
        writer.WriteBuffer(Passwd);
        if (HasReadOnlyField)
        {
            writer.WriteBool(ReadOnly);
        }
    }
}

public readonly record struct ConnectResponse(
    int ProtocolVersion,
    int TimeOut,
    long SessionId,
    byte[] Passwd,
    bool ReadOnly,
    bool HasReadOnlyField) : IJuteRecord<ConnectResponse>
{
    public static ConnectResponse Read(ref JuteReader reader)
    {
        int protocolVersion = reader.ReadInt();
        int timeOut = reader.ReadInt();
        long sessionId = reader.ReadLong();
        byte[] passwd = reader.ReadBuffer() ?? [];
        bool hasReadOnly = !reader.End;
        bool readOnly = hasReadOnly && reader.ReadBool();
        return new ConnectResponse(protocolVersion, timeOut, sessionId, passwd, readOnly, hasReadOnly);
    }

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(ProtocolVersion);
        writer.WriteInt(TimeOut);
        writer.WriteLong(SessionId);
        writer.WriteBuffer(Passwd);
        if (HasReadOnlyField)
        {
            writer.WriteBool(ReadOnly);
        }
    }
}

/// <summary>Precedes every request after the connect request.</summary>
public readonly record struct RequestHeader(int Xid, OpCode Type) : IJuteRecord<RequestHeader>
{
    public static RequestHeader Read(ref JuteReader reader) => new(reader.ReadInt(), (OpCode)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(Xid);
        writer.WriteInt((int)Type);
    }
}

/// <summary>Precedes every reply and notification.</summary>
public readonly record struct ReplyHeader(int Xid, long Zxid, ErrorCode Err) : IJuteRecord<ReplyHeader>
{
    public const int SerializedSize = 4 + 8 + 4;

    public static ReplyHeader Read(ref JuteReader reader) => new(reader.ReadInt(), reader.ReadLong(), (ErrorCode)reader.ReadInt());

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(Xid);
        writer.WriteLong(Zxid);
        writer.WriteInt((int)Err);
    }
}

public readonly record struct AuthPacket(int Type, string Scheme, byte[] Auth) : IJuteRecord<AuthPacket>
{
    public static AuthPacket Read(ref JuteReader reader) => new(reader.ReadInt(), reader.ReadString() ?? "", reader.ReadBuffer() ?? []);

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(Type);
        writer.WriteString(Scheme);
        writer.WriteBuffer(Auth);
    }
}

/// <summary>The body of a notification (xid -1).</summary>
public readonly record struct WatcherEvent(EventType Type, KeeperState State, string Path) : IJuteRecord<WatcherEvent>
{
    public static WatcherEvent Read(ref JuteReader reader) => new((EventType)reader.ReadInt(), (KeeperState)reader.ReadInt(), reader.ReadString() ?? "");

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt((int)Type);
        writer.WriteInt((int)State);
        writer.WriteString(Path);
    }
}
