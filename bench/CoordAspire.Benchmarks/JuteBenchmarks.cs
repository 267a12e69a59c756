using System.Buffers;
using BenchmarkDotNet.Attributes;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Benchmarks;

/// <summary>
/// The jute codec on the hot path of every request (issue 7): a create request in, a getData reply and a Stat out,
/// written into a reused <see cref="ArrayBufferWriter{T}"/> and read back from bytes.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class JuteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private CreateRequest _create;
    private GetDataResponse _getData;
    private Stat _stat;
    private byte[] _createBytes = [];
    private byte[] _getDataBytes = [];
    private byte[] _statBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        var value = BenchData.Value(4);
        _create = new CreateRequest(BenchData.NodePath(123_456), value, [.. Acls.OpenAclUnsafe], Flags: 0);
        _stat = new Stat(0x1_0000_0001, 0x1_0000_0042, 1_764_000_000_000, 1_764_000_001_000, 7, 3, 0, 0, value.Length, 2, 0x1_0000_0040);
        _getData = new GetDataResponse(value, _stat);
        _createBytes = Encode(_create);
        _getDataBytes = Encode(_getData);
        _statBytes = Encode(_stat);
    }

    [Benchmark]
    public int EncodeCreateRequest() => Write(_create);

    [Benchmark]
    public CreateRequest DecodeCreateRequest()
    {
        var reader = new JuteReader(_createBytes);
        return CreateRequest.Read(ref reader);
    }

    [Benchmark]
    public int EncodeGetDataResponse() => Write(_getData);

    [Benchmark]
    public GetDataResponse DecodeGetDataResponse()
    {
        var reader = new JuteReader(_getDataBytes);
        return GetDataResponse.Read(ref reader);
    }

    [Benchmark]
    public int EncodeStat() => Write(_stat);

    [Benchmark]
    public Stat DecodeStat()
    {
        var reader = new JuteReader(_statBytes);
        return Stat.Read(ref reader);
    }

    private static byte[] Encode<T>(T record)
        where T : IJuteRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        record.Write(new JuteWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private int Write<T>(in T record)
        where T : IJuteRecord<T>
    {
        _output.ResetWrittenCount();
        record.Write(new JuteWriter(_output));
        return _output.WrittenCount;
    }
}
