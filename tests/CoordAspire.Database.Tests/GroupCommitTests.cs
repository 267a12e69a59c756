using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>
/// The durability rule at the processor's edge (SyncRequestProcessor): nothing prepared is applied or answered
/// until the edge says its transactions are on disk; reads wait only behind their own session's writes.
/// </summary>
public class GroupCommitTests
{
    private readonly ProcessorHarness _harness = new();

    [Fact]
    public void A_write_is_answered_only_after_its_transaction_is_logged()
    {
        var writer = _harness.Connect();
        var other = _harness.Connect();
        _harness.AutoCommit = false;

        _harness.Create(writer, "/w");
        _harness.Send(writer, OpCode.Exists, new PathWatchRequest("/w", false));
        _harness.Send(other, OpCode.Exists, new PathWatchRequest("/w", false));
        Assert.Empty(writer.Replies);
        Assert.Equal(ErrorCode.NoNode, Assert.Single(other.Replies).Header.Err);
        Assert.Null(_harness.Processor.Tree.GetNode("/w"));

        var logged = _harness.Processor.TakeTxnsToLog();
        Assert.Equal(OpCode.Create, Assert.Single(logged).Header.Type);
        _harness.Processor.CommitLogged();
        Assert.Equal([ErrorCode.Ok, ErrorCode.Ok], writer.Replies.Select(r => r.Header.Err));
        Assert.NotNull(_harness.Processor.Tree.GetNode("/w"));
    }

    [Fact]
    public void One_batch_of_writes_is_one_log_write()
    {
        var c = _harness.Connect();
        _harness.AutoCommit = false;
        for (int i = 0; i < 10; i++)
        {
            _harness.Create(c, "/n" + i);
        }

        var batch = _harness.Processor.TakeTxnsToLog();
        Assert.Equal(10, batch.Count);
        Assert.Equal(batch.Select(t => t.Header.Zxid).Order(), batch.Select(t => t.Header.Zxid));
        _harness.Processor.CommitLogged();
        Assert.Equal(10, c.Replies.Count);
    }

    [Fact]
    public void A_failed_log_write_acknowledges_nothing_and_stops_writes_but_not_reads()
    {
        var writer = _harness.Connect();
        var reader = _harness.Connect();
        _harness.Create(writer, "/kept", "v");
        _harness.AutoCommit = false;

        _harness.Create(writer, "/lost");
        _harness.Processor.TakeTxnsToLog();
        _harness.Processor.LogFailed("No space left on device");

        Assert.Single(writer.Replies);
        Assert.NotNull(writer.ClosedReason);
        Assert.Null(_harness.Processor.Tree.GetNode("/lost"));

        _harness.AutoCommit = true;
        Assert.Equal(ErrorCode.NotReadOnly, _harness.Send(reader, OpCode.Create, new CreateRequest("/new", [], [.. Acls.OpenAclUnsafe], 0)).Header.Err);
        Assert.Equal(ErrorCode.Ok, _harness.Send(reader, OpCode.GetData, new PathWatchRequest("/kept", false)).Header.Err);
        Assert.Empty(_harness.Processor.TakeTxnsToLog());
    }
}
