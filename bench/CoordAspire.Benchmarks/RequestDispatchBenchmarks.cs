using System.Buffers;
using BenchmarkDotNet.Attributes;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Benchmarks;

/// <summary>
/// The request processor with no socket (issue 7; garnet's embedded-session benchmarks): a framed request goes into
/// <see cref="RequestProcessor.ProcessPacket"/>, its reply is serialised into a reused buffer by an in-memory
/// <see cref="IClientChannel"/>. A write also goes through group commit (<see cref="RequestProcessor.TakeTxnsToLog"/>,
/// <see cref="RequestProcessor.CommitLogged"/>) with the log itself left out: that is <see cref="TxnLogAppendBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RequestDispatchBenchmarks
{
    private const int Batch = 100;
    private const string NodePath = "/bench/p000/n000";

    private readonly MemoryChannel _channel = new();
    private RequestProcessor _processor = null!;
    private byte[] _getData = [];
    private byte[] _setData = [];

    [GlobalSetup]
    public void Setup()
    {
        _processor = new RequestProcessor(new ServerSettings(), new ServerTime(WallMs: 1_764_000_000_000, ElapsedMs: 0));
        _processor.ProcessConnect(_channel, new ConnectRequest(0, 0, 30_000, 0, new byte[16], ReadOnly: false, HasReadOnlyField: true));
        Commit();
        var value = BenchData.Value(8);
        foreach (var path in new[] { "/bench", "/bench/p000", NodePath })
        {
            _processor.ProcessPacket(_channel, Packet(OpCode.Create, new CreateRequest(path, value, [.. Acls.OpenAclUnsafe], Flags: 0)));
            Commit();
            if (_channel.LastError != ErrorCode.Ok)
            {
                throw new InvalidOperationException($"create {path}: {_channel.LastError}");
            }
        }

        _getData = Packet(OpCode.GetData, new PathWatchRequest(NodePath, Watch: false));
        _setData = Packet(OpCode.SetData, new SetDataRequest(NodePath, value, Version: -1));
    }

    [Benchmark]
    public int GetData()
    {
        _processor.ProcessPacket(_channel, _getData);
        return _channel.Reply.WrittenCount;
    }

    /// <summary>One setData, prepared, committed alone, applied and answered.</summary>
    [Benchmark]
    public int SetData()
    {
        _processor.ProcessPacket(_channel, _setData);
        Commit();
        return _channel.Reply.WrittenCount;
    }

    /// <summary>100 setData requests prepared, then one group commit applies and answers them all.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int SetDataBatch()
    {
        for (int i = 0; i < Batch; i++)
        {
            _processor.ProcessPacket(_channel, _setData);
        }

        Commit();
        return _channel.Reply.WrittenCount;
    }

    private void Commit()
    {
        _processor.TakeTxnsToLog();
        _processor.CommitLogged();
    }

    private static byte[] Packet<T>(OpCode type, in T body)
        where T : struct, IJuteRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new JuteWriter(buffer);
        new RequestHeader(Xid: 1, type).Write(writer);
        body.Write(writer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A connection that serialises each reply into one reused buffer, as the edge frames it, and drops it.</summary>
    private sealed class MemoryChannel : IClientChannel
    {
        public ArrayBufferWriter<byte> Reply { get; } = new(4096);

        public ErrorCode LastError { get; private set; }

        public long SessionId { get; set; }

        public int SessionTimeout { get; set; }

        public List<Id> AuthInfo { get; } = [new Id("ip", "127.0.0.1")];

        public string RemoteAddress => "127.0.0.1";

        public bool SentReadOnlyFlag { get; set; }

        public string? TraceParent { get; set; }

        public void SendConnectResponse(in ConnectResponse response)
        {
            Reply.ResetWrittenCount();
            response.Write(new JuteWriter(Reply));
        }

        public void SendReply<T>(in ReplyHeader header, in T body)
            where T : struct, IJuteRecord<T>
        {
            Reply.ResetWrittenCount();
            var writer = new JuteWriter(Reply);
            header.Write(writer);
            body.Write(writer);
            LastError = header.Err;
        }

        public void SendReply(in ReplyHeader header)
        {
            Reply.ResetWrittenCount();
            header.Write(new JuteWriter(Reply));
            LastError = header.Err;
        }

        public void Close(string reason) => throw new InvalidOperationException($"the processor closed the connection: {reason}");

        public void Process(in WatcherEvent watchedEvent, long zxid)
        {
        }
    }
}
