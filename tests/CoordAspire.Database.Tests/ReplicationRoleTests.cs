using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>
/// The processor's ensemble roles, with a real leader processor and a real learner processor joined the way ZAB
/// joins them (minus the network and the quorum): the learner forwards, the leader prepares, what the leader
/// commits is applied by both in the same order. The learner answers its client only once the commit reaches it
/// (FollowerRequestProcessor + CommitProcessor), and a session created or revalidated through it is the leader's.
/// </summary>
public class ReplicationRoleTests
{
    private readonly LeaderAndLearner _ensemble = new();
    private readonly ProcessorHarness _leader;
    private readonly ProcessorHarness _learner;
    private readonly LeaderAndLearner.LeaderLink _link;

    public ReplicationRoleTests()
    {
        _leader = _ensemble.Leader;
        _learner = _ensemble.Learner;
        _link = _ensemble.Link;
    }

    [Fact]
    public void A_session_created_through_a_learner_is_a_transaction_of_the_leader_with_the_learner_id_on_top()
    {
        var channel = _learner.Connect();
        Assert.Null(channel.Connected);
        Assert.Equal(OpCode.CreateSession, Assert.Single(_link.Forwarded).Type);

        Replicate();
        var response = Assert.IsType<ConnectResponse>(channel.Connected);
        Assert.Equal(2, response.SessionId >>> 56);
        Assert.NotNull(_leader.Processor.Sessions.Get(response.SessionId));
        Assert.NotNull(_learner.Processor.Sessions.Get(response.SessionId));
    }

    [Fact]
    public void A_learner_answers_a_write_only_when_its_commit_arrives_and_reads_wait_behind_it_in_order()
    {
        var channel = ConnectedLearnerClient();
        _learner.Create(channel, "/a", "data");
        _learner.Send(channel, OpCode.GetData, new PathWatchRequest("/a", false));
        Assert.Empty(channel.Replies);
        Assert.Null(_learner.Processor.Tree.GetNode("/a"));

        Replicate();
        Assert.Equal([ErrorCode.Ok, ErrorCode.Ok], channel.Replies.Select(r => r.Header.Err));
        Assert.Equal("/a", ProcessorHarness.Decode(channel.Replies[0].Body, PathResponse.Read).Path);
        var data = ProcessorHarness.Decode(channel.Replies[1].Body, GetDataResponse.Read);
        Assert.Equal("data", System.Text.Encoding.UTF8.GetString(data.Data!));
        Assert.Equal(_leader.Processor.Tree.GetNode("/a")!.ToStat(), _learner.Processor.Tree.GetNode("/a")!.ToStat());
    }

    [Fact]
    public void A_leader_answers_each_session_in_order_when_commits_stop_between_its_read_and_another_sessions_write()
    {
        var s = ConnectedLeaderClient();
        var t = ConnectedLeaderClient();
        _leader.Create(s, "/s1");                                                    // S: write, pending
        _leader.Create(t, "/t1");                                                    // T: write, pending
        _leader.Send(s, OpCode.Exists, new PathWatchRequest("/s1", false));          // S: read, behind S's write

        // Only S's write commits: its reply goes, but S's read still waits behind T's write in the queue.
        var txns = _leader.Processor.TakeTxnsToLog();
        _leader.Processor.CommitThrough(txns[0].Header.Zxid);
        _leader.Send(s, OpCode.Exists, new PathWatchRequest("/t1", false));          // S: a later read
        _leader.Processor.CommitThrough(txns[^1].Header.Zxid);

        // FIFO per session: create, then the first exists, then the second.
        var xids = s.Replies.Select(r => r.Header.Xid).ToList();
        Assert.Equal(xids.Order(), xids);
        Assert.Equal(3, xids.Count);
    }

    [Fact]
    public void A_failed_write_is_an_error_transaction_that_answers_the_learner_client_with_its_error()
    {
        var channel = ConnectedLearnerClient();
        _learner.Send(channel, OpCode.Delete, new DeleteRequest("/missing", -1));
        Replicate();
        Assert.Equal(ErrorCode.NoNode, Assert.Single(channel.Replies).Header.Err);
    }

    [Fact]
    public void A_sync_through_a_learner_is_answered_after_the_leader_says_it_is_caught_up()
    {
        var channel = ConnectedLearnerClient();
        _learner.Send(channel, OpCode.Sync, new PathRequest("/"));
        Assert.Empty(channel.Replies);
        var sync = Assert.Single(_link.Forwarded, f => f.Type == OpCode.Sync);

        _learner.Processor.SyncCompleted(channel.SessionId, sync.Cxid);
        Assert.Equal("/", ProcessorHarness.Decode(Assert.Single(channel.Replies).Body, PathResponse.Read).Path);
    }

    [Fact]
    public void A_session_that_moves_to_a_learner_is_revalidated_by_the_leader()
    {
        var original = ConnectedLearnerClient();
        long sessionId = original.SessionId;
        var moved = _learner.Connect(sessionId: sessionId, password: Sessions.SessionTracker.GeneratePassword(sessionId));
        Assert.Null(moved.Connected);
        var (id, timeout) = Assert.Single(_link.Revalidations);
        Assert.Equal(sessionId, id);

        _learner.Processor.SessionRevalidated(sessionId, _leader.Processor.RevalidateSession(id, timeout));
        Assert.Equal(sessionId, moved.Connected!.Value.SessionId);

        var expired = _learner.Connect(sessionId: 0x0200_0000_0000_0bad, password: Sessions.SessionTracker.GeneratePassword(0x0200_0000_0000_0bad));
        _learner.Processor.SessionRevalidated(0x0200_0000_0000_0bad, _leader.Processor.RevalidateSession(0x0200_0000_0000_0bad, 10000));
        Assert.Equal(0, expired.Connected!.Value.SessionId);
        Assert.NotNull(expired.ClosedReason);
    }

    [Fact]
    public void The_leader_expires_a_learner_session_and_every_member_drops_its_ephemerals()
    {
        var channel = ConnectedLearnerClient();
        _learner.Create(channel, "/e", mode: CreateMode.Ephemeral);
        Replicate();
        Assert.NotNull(_learner.Processor.Tree.GetNode("/e"));

        // No pings reach the leader: the session runs out there, and the closeSession reaches the learner.
        _leader.Processor.Now = new ServerTime(_leader.Processor.Now.WallMs + 60_000, _leader.Processor.Now.ElapsedMs + 60_000);
        _leader.Processor.Tick();
        Replicate();
        Assert.Null(_leader.Processor.Tree.GetNode("/e"));
        Assert.Null(_learner.Processor.Tree.GetNode("/e"));
        Assert.Equal("session expired", channel.ClosedReason);
    }

    [Fact]
    public void A_member_that_stops_serving_drops_what_waits_and_refuses_new_clients()
    {
        var channel = ConnectedLearnerClient();
        _learner.Create(channel, "/lost");
        _learner.Processor.StopServing();
        Replicate();
        Assert.Empty(channel.Replies);

        var refused = _learner.Connect();
        Assert.Null(refused.Connected);
        Assert.NotNull(refused.ClosedReason);
    }

    private RecordingChannel ConnectedLeaderClient() => _ensemble.ConnectedLeaderClient();

    private RecordingChannel ConnectedLearnerClient()
    {
        var channel = _ensemble.ConnectedLearnerClient();
        Assert.NotEqual(0, channel.Connected!.Value.SessionId);
        return channel;
    }

    private void Replicate() => _ensemble.Replicate();
}
