using CoordAspire.Database.Processing;
using CoordAspire.Database.Sessions;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>
/// The processor in read-only mode (ReadOnlyZooKeeperServer, ReadOnlyRequestProcessor): reads from the tree as it
/// is, NOTREADONLY for every change and for sync, local sessions only (no transaction, expiry here, gone when the
/// mode ends), clients that cannot be read-only and resuming global sessions refused, and the replicated sessions
/// left exactly as they were.
/// </summary>
public class ReadOnlyRoleTests
{
    private readonly ProcessorHarness _server = new(new ServerSettings { ServerId = 3, TickTime = 2000, MinSessionTimeout = 4000, MaxSessionTimeout = 40000 });
    private readonly RecordingChannel _global;

    public ReadOnlyRoleTests()
    {
        // Some state from before the quorum was lost: a node and a global session.
        _global = _server.Connect();
        Assert.Equal(ErrorCode.Ok, _server.Create(_global, "/config", "v1"));
        _server.Processor.StopServing();
        _server.Processor.BecomeReadOnly();
    }

    [Fact]
    public void A_read_only_client_gets_a_local_session_flagged_read_only_without_a_transaction()
    {
        long zxid = _server.Processor.Tree.LastProcessedZxid;
        var channel = _server.Connect(readOnly: true);

        var response = Assert.IsType<ConnectResponse>(channel.Connected);
        Assert.True(response.ReadOnly);
        Assert.Equal(3, response.SessionId >>> 56);
        Assert.NotEqual(_global.SessionId, response.SessionId);
        Assert.Empty(_server.Logged);
        Assert.Equal(zxid, _server.Processor.Tree.LastProcessedZxid);
        Assert.Null(_server.Processor.Sessions.Get(response.SessionId));
        Assert.Equal(1, _server.Processor.LocalSessionCount);
    }

    [Fact]
    public void A_client_that_cannot_be_read_only_is_refused()
    {
        var channel = _server.Connect(readOnly: false);

        Assert.Null(channel.Connected);
        Assert.Contains("not-read-only", channel.ClosedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_global_session_cannot_be_resumed_but_a_local_one_can()
    {
        var global = _server.Connect(sessionId: _global.SessionId, password: SessionTracker.GeneratePassword(_global.SessionId), readOnly: true);
        Assert.Null(global.Connected);
        Assert.Contains("global session", global.ClosedReason, StringComparison.Ordinal);

        var first = _server.Connect(readOnly: true);
        long local = first.Connected!.Value.SessionId;
        var again = _server.Connect(sessionId: local, password: SessionTracker.GeneratePassword(local), readOnly: true);
        Assert.Equal(local, again.Connected!.Value.SessionId);
        Assert.True(again.Connected.Value.ReadOnly);
        Assert.NotNull(first.ClosedReason);

        // Unknown here (another server's local session): expired, as reopenSession answers.
        var unknown = _server.Connect(sessionId: local + 1000, password: SessionTracker.GeneratePassword(local + 1000), readOnly: true);
        Assert.Equal(0, unknown.Connected!.Value.TimeOut);
    }

    [Fact]
    public void Reads_are_served_and_every_change_and_sync_is_answered_NOTREADONLY()
    {
        var channel = _server.Connect(readOnly: true);

        var read = _server.Send(channel, OpCode.GetData, new PathWatchRequest("/config", false));
        Assert.Equal(ErrorCode.Ok, read.Header.Err);
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString(ProcessorHarness.Decode(read.Body, GetDataResponse.Read).Data!));
        Assert.Equal(ErrorCode.NoNode, _server.Send(channel, OpCode.GetData, new PathWatchRequest("/missing", false)).Header.Err);

        Assert.Equal(ErrorCode.NotReadOnly, _server.Create(channel, "/new"));
        Assert.Equal(ErrorCode.NotReadOnly, _server.Send(channel, OpCode.SetData, new SetDataRequest("/config", [], -1)).Header.Err);
        Assert.Equal(ErrorCode.NotReadOnly, _server.Send(channel, OpCode.Delete, new DeleteRequest("/config", -1)).Header.Err);
        Assert.Equal(ErrorCode.NotReadOnly, _server.Send(channel, OpCode.Sync, new PathRequest("/config")).Header.Err);
        Assert.Equal(ErrorCode.NotReadOnly, _server.Send(channel, OpCode.Check, new CheckVersionRequest("/config", 0)).Header.Err);
        Assert.Empty(_server.Logged);
        Assert.Null(channel.ClosedReason);
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString(_server.Processor.Tree.GetNode("/config")!.Data!));
    }

    [Fact]
    public void Local_sessions_expire_here_and_the_global_ones_are_left_to_the_next_leader()
    {
        var channel = _server.Connect(timeout: 4000, readOnly: true);

        _server.Advance(10_000);

        Assert.Equal("session expired", channel.ClosedReason);
        Assert.Equal(0, _server.Processor.LocalSessionCount);
        Assert.True(_server.Processor.Sessions.IsLive(_global.SessionId));
        Assert.Empty(_server.Logged);
    }

    [Fact]
    public void Closing_a_local_session_is_no_transaction_and_the_mode_ending_forgets_them_all()
    {
        var closing = _server.Connect(readOnly: true);
        var staying = _server.Connect(readOnly: true);
        var reply = _server.SendRaw(closing, OpCode.CloseSession, []);
        Assert.Equal(ErrorCode.Ok, reply.Header.Err);
        Assert.NotNull(closing.ClosedReason);
        Assert.Empty(_server.Logged);
        Assert.Equal(1, _server.Processor.LocalSessionCount);

        _server.Processor.StopServing();
        Assert.Equal(0, _server.Processor.LocalSessionCount);
        Assert.Null(_server.Processor.Sessions.Get(staying.SessionId));
        Assert.NotNull(_server.Processor.Sessions.Get(_global.SessionId));
    }
}
