using CoordAspire.Database.Processing;
using CoordAspire.Database.Sessions;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>
/// Local sessions (<c>localSessionsEnabled</c>, <c>localSessionsUpgradingEnabled</c>) on a leader and a learner,
/// with the cases of Apache's SessionUpgradeTest and LocalSessionsOnlyTest: a new session is the server's own, with
/// no transaction; its writes go through the leader; it cannot move; an ephemeral upgrades it to a global session
/// (or, with upgrading off, fails with EPHEMERALONLOCALSESSION); it expires and closes where it lives.
/// </summary>
public class LocalSessionTests
{
    private readonly LeaderAndLearner _ensemble = new(s => s with { LocalSessionsEnabled = true, LocalSessionsUpgradingEnabled = true });

    private ProcessorHarness Leader => _ensemble.Leader;

    private ProcessorHarness Learner => _ensemble.Learner;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_new_session_is_answered_at_once_without_a_transaction_and_its_writes_go_through_the_leader(bool onLeader)
    {
        var server = onLeader ? Leader : Learner;
        var channel = server.Connect();

        var response = Assert.IsType<ConnectResponse>(channel.Connected);
        Assert.Equal(onLeader ? 1 : 2, response.SessionId >>> 56);
        Assert.Empty(Leader.Processor.TakeTxnsToLog());
        Assert.DoesNotContain(_ensemble.Link.Forwarded, f => f.Type == OpCode.CreateSession);
        Assert.Equal(1, server.Processor.LocalSessionCount);
        Assert.Null(Leader.Processor.Sessions.Get(response.SessionId));
        Assert.Null(Learner.Processor.Sessions.Get(response.SessionId));

        // LocalSessionsOnlyTest: persistent data from a local session is the ensemble's.
        for (int i = 0; i < 5; i++)
        {
            server.Create(channel, "/p" + i);
        }

        _ensemble.Replicate();
        Assert.Equal(Enumerable.Repeat(ErrorCode.Ok, 5), channel.Replies.Select(r => r.Header.Err));
        Assert.All(Enumerable.Range(0, 5), i => Assert.NotNull(Leader.Processor.Tree.GetNode("/p" + i)));
        Assert.All(Enumerable.Range(0, 5), i => Assert.NotNull(Learner.Processor.Tree.GetNode("/p" + i)));
    }

    [Fact]
    public void A_learner_does_not_report_its_local_sessions_to_the_leader()
    {
        var channel = Learner.Connect();
        Learner.Send(channel, OpCode.Exists, new PathWatchRequest("/", false));
        Assert.Empty(_ensemble.Link.Touched);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_local_session_resumes_on_its_own_server_but_cannot_move(bool onLeader)
    {
        var (home, other) = onLeader ? (Leader, Learner) : (Learner, Leader);
        var first = home.Connect();
        long sessionId = first.Connected!.Value.SessionId;

        // Elsewhere it is unknown: the leader's revalidation says so (checkIfValidGlobalSession), and a leader
        // asked directly answers as reopenSession does.
        Assert.False(Leader.Processor.RevalidateSession(sessionId, 10000));
        if (onLeader)
        {
            var moved = Learner.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
            Assert.Equal((sessionId, 10000), Assert.Single(_ensemble.Link.Revalidations));
            Learner.Processor.SessionRevalidated(sessionId, Leader.Processor.RevalidateSession(sessionId, 10000));
            Assert.Equal(0, moved.Connected!.Value.TimeOut);
        }
        else
        {
            var moved = other.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
            Assert.Equal(0, moved.Connected!.Value.TimeOut);
        }

        // Back on its own server, with the right password, it resumes; with a wrong one it does not.
        var again = home.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
        Assert.Equal(sessionId, again.Connected!.Value.SessionId);
        Assert.NotNull(first.ClosedReason);
        Assert.Equal(0, home.Connect(sessionId: sessionId, password: new byte[16]).Connected!.Value.TimeOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Closing_a_local_session_logs_nothing_and_ends_it(bool onLeader)
    {
        var server = onLeader ? Leader : Learner;
        var channel = server.Connect();
        long sessionId = channel.SessionId;

        server.Send(channel, OpCode.CloseSession, new PathRequest(""));
        Assert.Equal(ErrorCode.Ok, channel.Last.Header.Err);
        Assert.Equal("client closed its session", channel.ClosedReason);
        Assert.Empty(Leader.Processor.TakeTxnsToLog());
        Assert.DoesNotContain(_ensemble.Link.Forwarded, f => f.Type == OpCode.CloseSession);
        Assert.Equal(0, server.Processor.LocalSessionCount);

        // Gone: a learner no longer knows it as local, so it asks the leader, which never knew it.
        var back = server.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
        if (!onLeader)
        {
            Learner.Processor.SessionRevalidated(sessionId, Leader.Processor.RevalidateSession(sessionId, 10000));
        }

        Assert.Equal(0, back.Connected!.Value.TimeOut);
    }

    [Fact]
    public void A_local_close_is_answered_after_the_session_s_write_in_flight()
    {
        var channel = Learner.Connect();
        Learner.Create(channel, "/before-close");
        Learner.Send(channel, OpCode.CloseSession, new PathRequest(""));
        Assert.Empty(channel.Replies);
        Assert.Null(channel.ClosedReason);

        _ensemble.Replicate();
        Assert.Equal(2, channel.Replies.Count);
        Assert.Equal("/before-close", ProcessorHarness.Decode(channel.Replies[0].Body, PathResponse.Read).Path);
        Assert.Equal("client closed its session", channel.ClosedReason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_ephemeral_upgrades_the_session_which_then_moves_and_takes_its_ephemerals_when_it_closes(bool onLeader)
    {
        var (home, other) = onLeader ? (Leader, Learner) : (Learner, Leader);
        var channel = home.Connect();
        long sessionId = channel.SessionId;
        for (int i = 0; i < 3; i++)
        {
            home.Create(channel, "/e" + i, mode: CreateMode.Ephemeral);
        }

        // The upgrade is a createSession ahead of the first create, and only one.
        var logged = Leader.Processor.TakeTxnsToLog();
        Assert.Equal([OpCode.CreateSession, OpCode.Create, OpCode.Create, OpCode.Create], logged.Select(t => t.Header.Type));
        Assert.Equal(sessionId, logged[0].Header.ClientId);
        Leader.Processor.CommitThrough(logged[^1].Header.Zxid);
        foreach (var txn in logged)
        {
            Learner.Processor.ApplyCommitted(txn.Header, txn.Record);
        }

        Assert.Equal(Enumerable.Repeat(ErrorCode.Ok, 3), channel.Replies.Select(r => r.Header.Err));
        Assert.Equal(0, home.Processor.LocalSessionCount);
        Assert.NotNull(Leader.Processor.Sessions.Get(sessionId));
        Assert.NotNull(Learner.Processor.Sessions.Get(sessionId));
        Assert.Equal(sessionId, Learner.Processor.Tree.GetNode("/e0")!.EphemeralOwner);

        // SessionUpgradeTest: now global, it may move; closing it there removes its ephemerals everywhere.
        Assert.True(Leader.Processor.RevalidateSession(sessionId, 10000));
        var moved = other.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
        if (!onLeader)
        {
            Assert.Equal(sessionId, moved.Connected!.Value.SessionId); // on the leader itself
        }
        else
        {
            Learner.Processor.SessionRevalidated(sessionId, Leader.Processor.RevalidateSession(sessionId, 10000));
            Assert.Equal(sessionId, moved.Connected!.Value.SessionId);
        }

        other.Send(moved, OpCode.CloseSession, new PathRequest(""));
        _ensemble.Replicate();
        Assert.Equal(ErrorCode.Ok, moved.Last.Header.Err);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Null(Learner.Processor.Tree.GetNode("/e" + i)));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Null(Leader.Processor.Tree.GetNode("/e" + i)));
        Assert.Null(Leader.Processor.Sessions.Get(sessionId));
    }

    [Fact]
    public void Reads_of_a_session_being_upgraded_wait_for_it_and_its_create()
    {
        var channel = Learner.Connect();
        Learner.Create(channel, "/e", mode: CreateMode.Ephemeral);
        Learner.Send(channel, OpCode.Exists, new PathWatchRequest("/e", false));
        Assert.Empty(channel.Replies);

        _ensemble.Replicate();
        Assert.Equal([ErrorCode.Ok, ErrorCode.Ok], channel.Replies.Select(r => r.Header.Err));
        Assert.Equal(channel.SessionId, ProcessorHarness.Decode(channel.Replies[1].Body, StatResponse.Read).Stat.EphemeralOwner);
    }

    [Fact]
    public void A_multi_with_an_ephemeral_create_upgrades_the_session_and_one_without_does_not()
    {
        var channel = Learner.Connect();
        Learner.SendRaw(channel, OpCode.Multi, ProcessorHarness.EncodeMulti(
            new MultiOp(OpCode.Create, ProcessorHarness.Encode(new CreateRequest("/m1", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent))),
            new MultiOp(OpCode.Create, ProcessorHarness.Encode(new CreateRequest("/m2", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent)))));
        Assert.DoesNotContain(_ensemble.Link.Forwarded, f => f.Type == OpCode.CreateSession);

        Learner.SendRaw(channel, OpCode.Multi, ProcessorHarness.EncodeMulti(
            new MultiOp(OpCode.Create, ProcessorHarness.Encode(new CreateRequest("/m3", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent))),
            new MultiOp(OpCode.Create, ProcessorHarness.Encode(new CreateRequest("/m4", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.EphemeralSequential)))));
        Assert.Equal(OpCode.CreateSession, _ensemble.Link.Forwarded[^2].Type);
        _ensemble.Replicate();
        Assert.Equal(2, channel.Replies.Count);
        Assert.NotNull(Learner.Processor.Sessions.Get(channel.SessionId));
        Assert.NotNull(Learner.Processor.Tree.GetNode("/m3"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Without_upgrading_an_ephemeral_of_a_local_session_fails_with_EphemeralOnLocalSession(bool onLeader)
    {
        var ensemble = new LeaderAndLearner(s => s with { LocalSessionsEnabled = true, LocalSessionsUpgradingEnabled = false });
        var server = onLeader ? ensemble.Leader : ensemble.Learner;
        var channel = server.Connect();

        server.Create(channel, "/ephemeral", mode: CreateMode.Ephemeral);
        server.Create(channel, "/persistent");
        ensemble.Replicate();

        Assert.Equal([ErrorCode.EphemeralOnLocalSession, ErrorCode.Ok], channel.Replies.Select(r => r.Header.Err));
        Assert.Null(ensemble.Leader.Processor.Tree.GetNode("/ephemeral"));
        Assert.Null(ensemble.Learner.Processor.Tree.GetNode("/ephemeral"));
        Assert.NotNull(ensemble.Learner.Processor.Tree.GetNode("/persistent"));
        Assert.Equal(1, server.Processor.LocalSessionCount);
        Assert.DoesNotContain(ensemble.Link.Forwarded, f => f.Type == OpCode.CreateSession);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_local_session_expires_where_it_lives_without_a_transaction(bool onLeader)
    {
        var server = onLeader ? Leader : Learner;
        var channel = server.Connect(timeout: 4000);

        server.Advance(10_000);
        Assert.Equal("session expired", channel.ClosedReason);
        Assert.Equal(0, server.Processor.LocalSessionCount);
        Assert.Empty(Leader.Processor.TakeTxnsToLog());
    }

    [Fact]
    public void A_leader_takes_an_unknown_session_for_another_server_s_local_one_but_not_for_its_own()
    {
        const long OtherServers = 0x0300_0000_0000_0001;
        const long Ours = 0x0100_0000_0000_0777;
        var create = ProcessorHarness.Encode(new CreateRequest("/from-3", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent));
        Leader.Processor.ProcessForwarded(OtherServers, 1, OpCode.Create, create, []);
        var ephemeral = ProcessorHarness.Encode(new CreateRequest("/e-from-3", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Ephemeral));
        Leader.Processor.ProcessForwarded(OtherServers, 2, OpCode.Create, ephemeral, []);
        var ours = ProcessorHarness.Encode(new CreateRequest("/from-us", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent));
        Leader.Processor.ProcessForwarded(Ours, 1, OpCode.Create, ours, []);

        var logged = Leader.Processor.TakeTxnsToLog();
        Assert.Equal(OpCode.Create, logged[0].Header.Type);
        Assert.Equal(ErrorCode.SessionExpired, logged[1].Error); // an ephemeral needs a global session
        Assert.Equal(ErrorCode.SessionExpired, logged[2].Error);
    }

    [Fact]
    public void Without_local_sessions_a_leader_refuses_writes_of_sessions_it_does_not_know()
    {
        var ensemble = new LeaderAndLearner();
        var create = ProcessorHarness.Encode(new CreateRequest("/from-3", [], [.. Acls.OpenAclUnsafe], (int)CreateMode.Persistent));
        ensemble.Leader.Processor.ProcessForwarded(0x0300_0000_0000_0001, 1, OpCode.Create, create, []);
        Assert.Equal(ErrorCode.SessionExpired, Assert.Single(ensemble.Leader.Processor.TakeTxnsToLog()).Error);
    }

    [Fact]
    public void A_role_change_ends_every_local_session()
    {
        var channel = Learner.Connect();
        long sessionId = channel.SessionId;
        Learner.Processor.StopServing();
        Learner.Processor.BecomeLearner(_ensemble.Link);

        Assert.Equal(0, Learner.Processor.LocalSessionCount);
        var back = Learner.Connect(sessionId: sessionId, password: SessionTracker.GeneratePassword(sessionId));
        Assert.Null(back.Connected); // not local any more: the leader is asked, and knows nothing of it
        Learner.Processor.SessionRevalidated(sessionId, Leader.Processor.RevalidateSession(sessionId, 10000));
        Assert.Equal(0, back.Connected!.Value.TimeOut);
    }
}
