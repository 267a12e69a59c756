using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

public class MultiTests
{
    private readonly ProcessorHarness _harness = new();

    private static MultiOp Op<T>(OpCode type, T record) where T : IJuteRecord<T> => new(type, ProcessorHarness.Encode(record));

    private (ReplyHeader Header, List<(OpCode Type, ErrorCode Err)> Results) Multi(RecordingChannel c, OpCode type, params MultiOp[] ops)
    {
        var reply = _harness.SendRaw(c, type, ProcessorHarness.EncodeMulti(ops));
        var results = new List<(OpCode, ErrorCode)>();
        var reader = new JuteReader(reply.Body);
        var header = MultiHeader.Read(ref reader);
        while (!header.Done)
        {
            results.Add((header.Type, header.Err));
            switch (header.Type)
            {
                case OpCode.Create: PathResponse.Read(ref reader); break;
                case OpCode.Create2: Create2Response.Read(ref reader); break;
                case OpCode.SetData: StatResponse.Read(ref reader); break;
                case OpCode.GetData: GetDataResponse.Read(ref reader); break;
                case OpCode.GetChildren: StringListResponse.Read(ref reader); break;
                case OpCode.Error: IntResponse.Read(ref reader); break;
            }

            header = MultiHeader.Read(ref reader);
        }

        Assert.True(reader.End);
        return (reply.Header, results);
    }

    [Fact]
    public void Later_operations_see_earlier_ones()
    {
        var c = _harness.Connect();
        var (header, results) = Multi(c, OpCode.Multi,
            Op(OpCode.Create, new CreateRequest("/m", [], [.. Acls.OpenAclUnsafe], 0)),
            Op(OpCode.Create, new CreateRequest("/m/child", [], [.. Acls.OpenAclUnsafe], 0)),
            Op(OpCode.Check, new CheckVersionRequest("/m", 0)),
            Op(OpCode.SetData, new SetDataRequest("/m", [1], 0)),
            Op(OpCode.Delete, new DeleteRequest("/m/child", -1)));
        Assert.Equal(ErrorCode.Ok, header.Err);
        Assert.Equal([(OpCode.Create, ErrorCode.Ok), (OpCode.Create, ErrorCode.Ok), (OpCode.Check, ErrorCode.Ok), (OpCode.SetData, ErrorCode.Ok), (OpCode.Delete, ErrorCode.Ok)], results);
        Assert.Equal(1, _harness.Processor.Tree.GetNode("/m")!.Version);
        Assert.Null(_harness.Processor.Tree.GetNode("/m/child"));
    }

    [Fact]
    public void A_failure_applies_nothing_and_reports_0_then_the_error_then_runtime_inconsistency()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/exists");
        long zxidBefore = _harness.Processor.Tree.LastProcessedZxid;
        var (header, results) = Multi(c, OpCode.Multi,
            Op(OpCode.Create, new CreateRequest("/new", [], [.. Acls.OpenAclUnsafe], 0)),
            Op(OpCode.Create, new CreateRequest("/exists", [], [.. Acls.OpenAclUnsafe], 0)),
            Op(OpCode.SetData, new SetDataRequest("/exists", [1], -1)));
        Assert.Equal(ErrorCode.Ok, header.Err);
        Assert.Equal([(OpCode.Error, ErrorCode.Ok), (OpCode.Error, ErrorCode.NodeExists), (OpCode.Error, ErrorCode.RuntimeInconsistency)], results);
        Assert.Null(_harness.Processor.Tree.GetNode("/new"));
        Assert.Equal(0, _harness.Processor.Tree.GetNode("/exists")!.Version);
        Assert.Equal(zxidBefore + 1, _harness.Processor.Tree.LastProcessedZxid);

        // The rolled-back create left no trace in the pending changes: creating it now works.
        Assert.Equal(ErrorCode.Ok, _harness.Create(c, "/new"));
    }

    [Fact]
    public void Multi_read_answers_each_read_on_its_own()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/r", "data");
        var (_, results) = Multi(c, OpCode.MultiRead,
            Op(OpCode.GetData, new PathWatchRequest("/r", false)),
            Op(OpCode.GetData, new PathWatchRequest("/missing", false)),
            Op(OpCode.GetChildren, new PathWatchRequest("/", false)));
        Assert.Equal([(OpCode.GetData, ErrorCode.Ok), (OpCode.Error, ErrorCode.NoNode), (OpCode.GetChildren, ErrorCode.Ok)], results);
    }
}
