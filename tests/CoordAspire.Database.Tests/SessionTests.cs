using CoordAspire.Database.Auth;
using CoordAspire.Database.Sessions;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

public class SessionTests
{
    [Fact]
    public void Password_is_derived_exactly_as_Apache_ZooKeeper_derives_it() =>
        Assert.Equal("054cc74a37327db215e702e20c73f005", Convert.ToHexString(SessionTracker.GeneratePassword(0x0100000000000001)).ToLowerInvariant());

    [Fact]
    public void Digest_identity_matches_Apache_ZooKeeper() =>
        Assert.Equal("bob:fyVmFCwVbTJYrznoSu1koqYEYF0=", DigestAuthenticationProvider.GenerateDigest("bob:secret"));

    [Fact]
    public void Session_ids_carry_the_server_id_in_the_top_byte()
    {
        var tracker = new SessionTracker(serverId: 3, tickTime: 2000, nowElapsed: 123456);
        Assert.Equal(3, (int)((ulong)tracker.NextSessionId() >> 56));
    }

    [Theory]
    [InlineData(100, 4000)]
    [InlineData(10000, 10000)]
    [InlineData(999999, 40000)]
    public void Negotiated_timeout_is_clamped(int asked, int negotiated)
    {
        var harness = new ProcessorHarness();
        var channel = harness.Connect(asked);
        Assert.Equal(negotiated, channel.Connected!.Value.TimeOut);
        Assert.True(channel.Connected.Value.HasReadOnlyField);
    }

    [Fact]
    public void Resume_with_the_right_password_keeps_the_session_and_closes_the_old_connection()
    {
        var harness = new ProcessorHarness();
        var first = harness.Connect();
        var id = first.Connected!.Value.SessionId;
        var second = harness.Connect(sessionId: id, password: first.Connected.Value.Passwd);
        Assert.Equal(id, second.Connected!.Value.SessionId);
        Assert.NotNull(first.ClosedReason);
        Assert.Null(second.ClosedReason);
    }

    [Fact]
    public void Resume_with_a_wrong_password_is_answered_as_expired_and_closed()
    {
        var harness = new ProcessorHarness();
        var first = harness.Connect();
        var second = harness.Connect(sessionId: first.Connected!.Value.SessionId, password: new byte[16]);
        Assert.Equal(0, second.Connected!.Value.SessionId);
        Assert.Equal(0, second.Connected.Value.TimeOut);
        Assert.NotNull(second.ClosedReason);
    }

    [Fact]
    public void Expired_session_loses_its_ephemerals_and_cannot_be_resumed()
    {
        var harness = new ProcessorHarness();
        var owner = harness.Connect(timeout: 4000);
        var observer = harness.Connect(timeout: 40000);
        Assert.Equal(ErrorCode.Ok, harness.Create(owner, "/e", mode: CreateMode.Ephemeral));
        harness.Send(observer, OpCode.Exists, new PathWatchRequest("/e", true));

        for (int i = 0; i < 6; i++)
        {
            harness.Advance(1000);
            harness.Send(observer, OpCode.Ping, default(PathRequest));
        }

        Assert.Null(harness.Processor.Tree.GetNode("/e"));
        Assert.NotNull(owner.ClosedReason);
        Assert.Contains(observer.Events, e => e.Type == EventType.NodeDeleted && e.Path == "/e");

        var resumed = harness.Connect(sessionId: owner.Connected!.Value.SessionId, password: owner.Connected.Value.Passwd);
        Assert.Equal(0, resumed.Connected!.Value.SessionId);
    }

    [Fact]
    public void Close_session_removes_ephemerals_at_once()
    {
        var harness = new ProcessorHarness();
        var channel = harness.Connect();
        harness.Create(channel, "/e1", mode: CreateMode.Ephemeral);
        harness.Create(channel, "/e2", mode: CreateMode.EphemeralSequential);
        harness.Send(channel, OpCode.CloseSession, default(PathRequest));
        Assert.Equal(0, harness.Processor.Tree.EphemeralCount);
        Assert.Equal(0, harness.Processor.Sessions.Count);
        Assert.NotNull(channel.ClosedReason);
    }

    [Fact]
    public void Client_that_has_seen_a_newer_zxid_is_refused()
    {
        var harness = new ProcessorHarness();
        var channel = new RecordingChannel();
        harness.Processor.ProcessConnect(channel, new ConnectRequest(0, 1000, 10000, 0, new byte[16], false, true));
        Assert.Null(channel.Connected);
        Assert.NotNull(channel.ClosedReason);
    }
}
