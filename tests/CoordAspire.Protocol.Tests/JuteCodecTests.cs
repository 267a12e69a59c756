using System.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Protocol.Tests;

public class JuteCodecTests
{
    private static readonly List<Acl> SampleAcl = [new(Perms.All, Id.Anyone), new(Perms.Read, new Id("digest", "bob:abc="))];
    private static readonly Stat SampleStat = new(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    public static TheoryData<string, string> Records => new()
    {
        { GoldenBytes.ConnectRequest, Hex(new ConnectRequest(0, 0x1234, 30000, 0, new byte[16], false, HasReadOnlyField: false)) },
        { GoldenBytes.ConnectResponse, Hex(new ConnectResponse(0, 30000, 0x0100000000000001, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], false, HasReadOnlyField: false)) },
        { GoldenBytes.RequestHeader, Hex(new RequestHeader(7, OpCode.Create)) },
        { GoldenBytes.ReplyHeader, Hex(new ReplyHeader(7, 0x100000002, ErrorCode.NoNode)) },
        { GoldenBytes.CreateRequest, Hex(new CreateRequest("/a/b", "hello"u8.ToArray(), SampleAcl, 3)) },
        { GoldenBytes.CreateTtlRequest, Hex(new CreateTtlRequest("/t", [], SampleAcl, 5, 60000)) },
        { GoldenBytes.Stat, Hex(SampleStat) },
        { GoldenBytes.GetDataResponseNullData, Hex(new GetDataResponse(null, SampleStat)) },
        { GoldenBytes.WatcherEvent, Hex(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/x")) },
        { GoldenBytes.AuthPacket, Hex(new AuthPacket(0, "digest", "bob:secret"u8.ToArray())) },
        { GoldenBytes.TxnHeader, Hex(new TxnHeader(0x0100000000000001, 3, 0x200000005, 1700000000000, OpCode.Create)) },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Our_encoding_matches_Apache_ZooKeeper_bytes(string golden, string ours) => Assert.Equal(golden, ours);

    [Fact]
    public void Txn_records_match_Apache_ZooKeeper_bytes()
    {
        Assert.Equal(GoldenBytes.CreateTxn, Hex(w => new CreateTxn("/e", "v"u8.ToArray(), SampleAcl, true, 4).Write(w)));
        Assert.Equal(GoldenBytes.CloseSessionTxn, Hex(w => new CloseSessionTxn(["/e1", "/e2"]).Write(w)));
    }

    [Fact]
    public void SetWatches2_round_trips_through_golden_bytes()
    {
        var bytes = Convert.FromHexString(GoldenBytes.SetWatches2);
        var reader = new JuteReader(bytes);
        var request = SetWatchesRequest.Read(ref reader, version2: true);
        Assert.True(reader.End);
        Assert.Equal(5, request.RelativeZxid);
        Assert.Equal(["/a"], request.DataWatches);
        Assert.Equal(["/b", "/c"], request.ExistWatches);
        Assert.Empty(request.ChildWatches);
        Assert.Equal(["/p"], request.PersistentWatches);
        Assert.Equal(["/r"], request.PersistentRecursiveWatches);
        Assert.Equal(GoldenBytes.SetWatches2, Hex(w => request.Write(w, version2: true)));
    }

    [Fact]
    public void Multi_request_from_the_Java_client_parses_into_its_operations()
    {
        var ops = MultiRequest.Read(Convert.FromHexString(GoldenBytes.MultiOperationRecord));
        Assert.Equal([OpCode.Create, OpCode.Check, OpCode.SetData, OpCode.Delete], ops.Select(o => o.Type));
        var reader = new JuteReader(ops[0].Body.Span);
        var create = CreateRequest.Read(ref reader);
        Assert.Equal("/m", create.Path);
        Assert.Equal([1], create.Data);
        Assert.Equal(GoldenBytes.MultiOperationRecord, Hex(w => MultiRequest.Write(w, ops)));
    }

    [Fact]
    public void Multi_request_mixing_reads_and_writes_is_malformed()
    {
        var bytes = Hex(w => MultiRequest.Write(w, [
            new MultiOp(OpCode.Delete, Convert.FromHexString(Hex(new DeleteRequest("/a", -1)))),
            new MultiOp(OpCode.GetData, Convert.FromHexString(Hex(new PathWatchRequest("/a", false)))),
        ]));
        Assert.Throws<JuteException>(() => MultiRequest.Read(Convert.FromHexString(bytes)));
    }

    [Fact]
    public void Connect_request_with_trailing_readOnly_flag_is_recognised()
    {
        var bytes = Convert.FromHexString(GoldenBytes.ConnectRequest + "01");
        var reader = new JuteReader(bytes);
        var request = ConnectRequest.Read(ref reader);
        Assert.True(request.HasReadOnlyField);
        Assert.True(request.ReadOnly);

        var legacy = new JuteReader(Convert.FromHexString(GoldenBytes.ConnectRequest));
        Assert.False(ConnectRequest.Read(ref legacy).HasReadOnlyField);
    }

    [Fact]
    public void Java_modified_utf8_for_non_bmp_characters_is_accepted()
    {
        var reader = new JuteReader(Convert.FromHexString(GoldenBytes.NonBmpPathGetData));
        var request = PathWatchRequest.Read(ref reader);
        Assert.Equal("/\U0001F600", request.Path);
        Assert.True(request.Watch);
    }

    [Fact]
    public void Standard_utf8_is_written_and_read_back()
    {
        var hex = Hex(w => w.WriteString("/\U0001F600é"));
        var reader = new JuteReader(Convert.FromHexString(hex));
        Assert.Equal("/\U0001F600é", reader.ReadString());
    }

    [Theory]
    [InlineData("00000001")]           // truncated int
    [InlineData("0000000a41")]         // string longer than the frame
    [InlineData("fffffffe")]           // negative length other than -1
    [InlineData("7fffffff")]           // absurd length
    public void Hostile_lengths_are_refused_before_allocating(string hex)
    {
        Assert.Throws<JuteException>(() =>
        {
            var reader = new JuteReader(Convert.FromHexString(hex));
            reader.ReadString();
            reader.ReadInt();
        });
    }

    [Fact]
    public void Null_string_and_buffer_are_minus_one()
    {
        Assert.Equal("ffffffffffffffff", Hex(w =>
        {
            w.WriteString(null);
            w.WriteBuffer((byte[]?)null);
        }));
    }

    internal static string Hex<T>(T record) where T : IJuteRecord<T> => Hex(w => record.Write(w));

    internal static string Hex(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new JuteWriter(buffer));
        return Convert.ToHexString(buffer.WrittenSpan).ToLowerInvariant();
    }

    internal delegate void WriteAction(JuteWriter writer);
}
