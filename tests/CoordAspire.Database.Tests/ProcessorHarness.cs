using System.Buffers;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>A request processor with a controllable clock, and helpers that speak the wire protocol to it.</summary>
internal sealed class ProcessorHarness
{
    private int _xid;

    public ProcessorHarness(ServerSettings? settings = null)
    {
        Settings = settings ?? new ServerSettings { TickTime = 2000, MinSessionTimeout = 4000, MaxSessionTimeout = 40000, ExtendedTypesEnabled = true, ContainerCheckIntervalMs = 1000 };
        Processor = new RequestProcessor(Settings, new ServerTime(1_700_000_000_000, 1_000));
    }

    public ServerSettings Settings { get; }

    public RequestProcessor Processor { get; }

    public void Advance(long milliseconds)
    {
        var now = Processor.Now;
        Processor.Now = new ServerTime(now.WallMs + milliseconds, now.ElapsedMs + milliseconds);
        Processor.Tick();
        Commit();
    }

    /// <summary>What the edge does after each batch once the log has synced: the tests have no log, so at once.</summary>
    public bool AutoCommit { get; set; } = true;

    public IReadOnlyList<PreparedTxn> Logged { get; private set; } = [];

    public void Commit()
    {
        if (AutoCommit)
        {
            Logged = Processor.TakeTxnsToLog();
            Processor.CommitLogged();
        }
    }

    public RecordingChannel Connect(int timeout = 10000, long sessionId = 0, byte[]? password = null, bool readOnly = false)
    {
        var channel = new RecordingChannel();
        Processor.ProcessConnect(channel, new ConnectRequest(0, 0, timeout, sessionId, password ?? new byte[16], readOnly, true));
        Commit();
        return channel;
    }

    public (ReplyHeader Header, byte[] Body) Send<T>(RecordingChannel channel, OpCode type, in T request) where T : IJuteRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new JuteWriter(buffer);
        new RequestHeader(++_xid, type).Write(writer);
        request.Write(writer);
        Processor.ProcessPacket(channel, buffer.WrittenSpan);
        Commit();
        return channel.Replies.Count > 0 ? channel.Last : default;
    }

    public (ReplyHeader Header, byte[] Body) SendRaw(RecordingChannel channel, OpCode type, ReadOnlySpan<byte> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new JuteWriter(buffer);
        new RequestHeader(++_xid, type).Write(writer);
        writer.WriteRaw(body);
        Processor.ProcessPacket(channel, buffer.WrittenSpan);
        Commit();
        return channel.Replies.Count > 0 ? channel.Last : default;
    }

    public ErrorCode Create(RecordingChannel channel, string path, string data = "", CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null)
        => Send(channel, OpCode.Create, new CreateRequest(path, System.Text.Encoding.UTF8.GetBytes(data), [.. acl ?? Acls.OpenAclUnsafe], (int)mode)).Header.Err;

    public string CreatedPath(RecordingChannel channel) => Decode(channel.Last.Body, PathResponse.Read).Path;

    public Stat Stat(RecordingChannel channel, string path)
    {
        var reply = Send(channel, OpCode.Exists, new PathWatchRequest(path, false));
        Assert.Equal(ErrorCode.Ok, reply.Header.Err);
        return Decode(reply.Body, StatResponse.Read).Stat;
    }

    /// <summary>A request record's bytes, as they follow the request header.</summary>
    public static byte[] Encode<T>(in T record) where T : IJuteRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        record.Write(new JuteWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A multi request's body.</summary>
    public static byte[] EncodeMulti(params MultiOp[] ops)
    {
        var buffer = new ArrayBufferWriter<byte>();
        MultiRequest.Write(new JuteWriter(buffer), ops);
        return buffer.WrittenSpan.ToArray();
    }

    public static T Decode<T>(byte[] body, ReadFunc<T> read)
    {
        var reader = new JuteReader(body);
        return read(ref reader);
    }

    public delegate T ReadFunc<out T>(ref JuteReader reader);
}
