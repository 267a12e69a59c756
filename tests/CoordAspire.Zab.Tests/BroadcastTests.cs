namespace CoordAspire.Zab.Tests;

/// <summary>Broadcast and its durability rules (Leader.processAck/tryToCommit, Follower.processPacket,
/// SyncRequestProcessor → SendAckRequestProcessor), scripted.</summary>
public class BroadcastTests
{
    private static readonly byte[] Data = [1, 2, 3];

    [Fact]
    public void A_proposal_commits_in_zxid_order_only_once_a_quorum_acknowledged_it()
    {
        // Leader.tryToCommit: "make sure that ops are committed in order"; "in order to be committed, a proposal
        // must be accepted by a quorum".
        var cluster = new TestCluster(5);
        var leader = cluster.Stabilize();
        Assert.Equal(5, leader.Id);
        cluster.ClearRecords();
        cluster.Drop = m => m is Proposal or Commit; // we hand-feed the acks
        Assert.True(leader.TryPropose(Data, default, out long z1));
        Assert.True(leader.TryPropose(Data, default, out long z2));
        Assert.True(leader.TryPropose(Data, default, out long z3));
        cluster.Collect(5);
        Assert.Equal([Zxid.Make(1, 1), Zxid.Make(1, 2), Zxid.Make(1, 3)], new[] { z1, z2, z3 });

        // The leader's own ack (after its fsync) and two followers' acks for z2 and z3 — a quorum of 3 of 5 — but
        // z1 has only the leader's: nothing commits.
        foreach (long follower in new long[] { 1, 2 })
        {
            leader.Step(new Ack(z2) { From = follower });
            leader.Step(new Ack(z3) { From = follower });
        }

        cluster.Collect(5);
        Assert.Empty(cluster.AppliedZxids(5));
        Assert.Empty(cluster.SentBy<Commit>(5));

        leader.Step(new Ack(z1) { From = 3 });
        cluster.Collect(5);
        Assert.Empty(cluster.AppliedZxids(5)); // leader + 3 is still only 2 of 5
        leader.Step(new Ack(z1) { From = 4 });
        cluster.Collect(5);
        Assert.Equal([z1, z2, z3], cluster.AppliedZxids(5));
        Assert.Equal(new long[] { z1, z2, z3 }, cluster.SentBy<Commit>(5).Where(c => c.To == 1).Select(c => c.Zxid));
    }

    [Fact]
    public void The_core_numbers_every_transaction_and_takes_them_back_only_in_that_order()
    {
        // One owner of zxids: the host prepares each transaction with AssignZxid's number (its header carries it)
        // and proposes them in that order; a number skipped or repeated is a host bug, never a log with a gap.
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        long first = leader.AssignZxid();
        long second = leader.AssignZxid();
        Assert.Equal(Zxid.Make(1, 1), first);
        Assert.Equal(Zxid.Make(1, 2), second);

        Assert.Throws<InvalidOperationException>(() => leader.TryPropose(second, Data, default));
        Assert.True(leader.TryPropose(first, Data, default));
        Assert.Throws<InvalidOperationException>(() => leader.TryPropose(first, Data, default));
        Assert.True(leader.TryPropose(second, Data, default));
        Assert.True(leader.TryPropose(Data, default, out long third));
        Assert.Equal(Zxid.Make(1, 3), third);

        // A follower is handed numbers it can never propose.
        var follower = cluster.Peers.Values.First(p => p.Id != leader.Id);
        Assert.False(follower.TryPropose(follower.AssignZxid(), Data, default));
    }

    [Fact]
    public void The_leaders_own_ack_counts_only_after_its_fsync()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        cluster.AutoPersist = false;
        cluster.Drop = m => m is Ack && m.From != 1; // only follower 1 acknowledges
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        cluster.Collect(leader.Id);
        cluster.Deliver();
        cluster.Persist(1);
        cluster.Deliver();
        Assert.Empty(cluster.AppliedZxids(leader.Id)); // follower 1's ack alone is 1 of 3

        cluster.Persist(leader.Id);
        Assert.Equal([zxid], cluster.AppliedZxids(leader.Id));
        Assert.Contains(cluster.Telemetry[leader.Id], t => t is AckReceived { From: 3 } a && a.Zxid == zxid);
    }

    [Fact]
    public void A_follower_acknowledges_a_proposal_only_after_its_fsync()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        cluster.AutoPersist = false;
        cluster.ClearRecords();
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.Contains(cluster.Logged[1], op => op is AppendTxn a && a.Txn.Zxid == zxid);
        Assert.Empty(cluster.SentBy<Ack>(1));

        cluster.Persist(1);
        Assert.Equal(zxid, cluster.SentBy<Ack>(1).Single().Zxid);
    }

    [Fact]
    public void A_learner_acknowledges_NEWLEADER_only_once_the_synced_history_is_on_disk()
    {
        // ZOOKEEPER-4394/4646: the ACK of NEWLEADER counts the learner into the quorum that commits the history.
        var cluster = new TestCluster(3, durable: id => id == 3 ? TestCluster.Log(1, 1, (1, 1), (1, 2)) : TestCluster.Log(1, 1));
        cluster.AutoPersist = false;
        var leader = cluster[3];
        for (int t = 0; t < 100 && !cluster.SentBy<NewLeader>(3).Any(m => m.To == 1); t++)
        {
            cluster.Tick();
        }

        cluster.Deliver();
        long newLeaderZxid = cluster.SentBy<NewLeader>(3).Single(m => m.To == 1).Zxid;
        Assert.Equal(ZabPhase.Synchronization, leader.Phase);
        Assert.Contains(cluster.Logged[1], op => op is AppendTxn a && a.Txn.Zxid == Zxid.Make(1, 2));
        Assert.Empty(cluster.SentBy<Ack>(1));
        Assert.Empty(cluster.SentBy<Ack>(2));

        // ZOOKEEPER-4643: nor does currentEpoch move before the history is durable — a crash now must leave
        // server 1 with its old epoch, not a new epoch over a log missing the history.
        Assert.Equal(new EpochState(2, 1), cluster[1].Epochs);

        cluster.Persist(1);
        cluster.Deliver();
        Assert.Equal(new EpochState(2, 2), cluster[1].Epochs);
        Assert.Equal(newLeaderZxid, cluster.SentBy<Ack>(1).Single().Zxid);
        Assert.True(leader.IsServing);
        Assert.Equal([Zxid.Make(1, 1), Zxid.Make(1, 2)], cluster.AppliedZxids(1));
        Assert.Empty(cluster.AppliedZxids(2)); // it never acknowledged, so it got no UPTODATE
    }

    [Fact]
    public void A_new_leader_takes_the_new_epoch_as_current_only_once_its_own_history_is_on_disk()
    {
        // Server 2 logged a proposal as a follower; its fsync is slow. It wins the next election with that
        // proposal in its history: had it written currentEpoch first and then crashed, it would come back with the
        // newest epoch and without the proposal, and could win again and lose it (ZOOKEEPER-4643, leader side).
        var cluster = new TestCluster(3);
        var first = cluster.Stabilize();
        cluster.AutoPersist = false;
        Assert.True(first.TryPropose(Data, default, out long zxid));
        cluster.Collect(first.Id);
        cluster.Deliver();
        cluster.Down.Add(first.Id);
        for (int t = 0; t < 200 && cluster[2].Phase != ZabPhase.Synchronization; t++)
        {
            cluster.Tick();
        }

        Assert.Equal(ServerState.Leading, cluster[2].State);
        Assert.Equal(zxid, cluster[2].LastLoggedZxid);
        Assert.Equal(new EpochState(2, 1), cluster[2].Epochs);

        cluster.Persist(2);
        Assert.Equal(new EpochState(2, 2), cluster[2].Epochs);
        cluster.Persist(1);
        cluster.Deliver();
        Assert.True(cluster[2].IsServing);
        Assert.Equal([zxid], cluster.AppliedZxids(2));
    }

    [Fact]
    public void A_leader_that_hears_no_quorum_for_syncLimit_steps_down_without_committing()
    {
        // Leader.lead: "Not sufficient followers synced" → shutdown → LOOKING.
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        cluster.ClearRecords();
        cluster.Down.UnionWith([1, 2]);
        Assert.True(leader.TryPropose(Data, default, out _));
        cluster.Collect(leader.Id);
        int ticks = 0;
        while (leader.State == ServerState.Leading && ticks < 10 * cluster.Config.SyncLimit)
        {
            cluster.Tick();
            ticks++;
        }

        Assert.InRange(ticks, cluster.Config.SyncLimit, cluster.Config.SyncLimit + 2);
        Assert.Empty(cluster.AppliedZxids(leader.Id));
        Assert.Contains(cluster.Telemetry[leader.Id], t => t is SteppedDown);
        Assert.False(leader.TryPropose(Data, default, out _));
    }

    [Fact]
    public void A_follower_partitioned_away_with_uncommitted_proposals_truncates_them_on_rejoin()
    {
        var cluster = new TestCluster(5);
        var oldLeader = cluster.Stabilize();
        Assert.Equal(5, oldLeader.Id);
        Assert.True(oldLeader.TryPropose(Data, default, out long committed));
        cluster.Collect(5);
        cluster.Deliver();

        // Two more proposals reach only follower 4, and its acks are lost: no quorum, they stay uncommitted.
        cluster.Drop = m => (m is Proposal && m.To != 4) || (m is Ack && m.From == 4);
        Assert.True(oldLeader.TryPropose(Data, default, out _));
        Assert.True(oldLeader.TryPropose(Data, default, out long lost));
        cluster.Collect(5);
        cluster.Deliver();
        Assert.Equal(lost, cluster[4].LastLoggedZxid);
        Assert.Equal(committed, cluster[3].LastLoggedZxid);

        // 4 and 5 are partitioned away; 1, 2 and 3 elect 3 and commit a write of epoch 2.
        var minority = new HashSet<long> { 4, 5 };
        cluster.Drop = m => minority.Contains(m.From) != minority.Contains(m.To);
        cluster.Tick(cluster.Config.SyncLimit + 2);
        Assert.NotEqual(ServerState.Leading, oldLeader.State);
        var majority = new[] { cluster[1], cluster[2], cluster[3] };
        for (int t = 0; t < 200 && !majority.All(p => p.IsServing); t++)
        {
            cluster.Tick();
        }

        var newLeader = cluster[3];
        Assert.True(newLeader.State == ServerState.Leading && newLeader.IsServing);
        Assert.True(newLeader.TryPropose(Data, default, out long epoch2));
        cluster.Collect(3);
        cluster.Deliver();

        // Heal: 4 gets TRUNC back to the last common zxid, then the new epoch's history.
        cluster.ClearRecords();
        cluster.Drop = _ => false;
        Assert.Same(newLeader, cluster.Stabilize());
        Assert.Equal(committed, cluster.SentBy<Trunc>(3).Single(m => m.To == 4).Zxid);
        Assert.Contains(cluster.Logged[4], op => op is TruncateLog t && t.Zxid == committed);
        Assert.Equal([epoch2], cluster.AppliedZxids(4));
        Assert.Equal(epoch2, cluster[4].LastLoggedZxid);
        Assert.Equal(epoch2, cluster[5].LastLoggedZxid);
    }

    [Fact]
    public void Observers_get_INFORM_and_never_count_towards_a_quorum()
    {
        var cluster = new TestCluster(3, observers: 1);
        var leader = cluster.Stabilize();
        Assert.Equal(ServerState.Observing, cluster[4].State);
        cluster.ClearRecords();

        // Only the observer and the leader are reachable: no quorum, no commit.
        cluster.Drop = m => m.To is 1 or 2 || m.From is 1 or 2;
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.Empty(cluster.AppliedZxids(leader.Id));
        Assert.Empty(cluster.SentBy<Ack>(4));
        Assert.DoesNotContain(cluster.Sent[leader.Id], m => m is Proposal && m.To == 4);

        cluster.Drop = _ => false;
        leader.Step(new Ack(zxid) { From = 1 });
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.Equal(zxid, cluster.SentBy<Inform>(leader.Id).Single(m => m.To == 4).Txn.Zxid);
        Assert.Equal([zxid], cluster.AppliedZxids(4));
    }

    [Fact]
    public void Pings_carry_session_touches_to_the_leader_and_sync_and_revalidate_round_trip()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        var follower = cluster[1];
        cluster.ClearRecords();
        follower.TouchSession(0x42, 6000);
        follower.TouchSession(0x43, 8000);
        cluster.Tick(cluster.Config.PingInterval + 1);
        var touched = cluster.Events[leader.Id].OfType<SessionsTouched>().Single(e => e.LearnerId == 1);
        Assert.Equal([new SessionTouch(0x42, 6000), new SessionTouch(0x43, 8000)], touched.Touches);

        // REVALIDATE: the leader's host decides; the learner hears the answer.
        Assert.True(follower.Revalidate(0x42, 6000));
        cluster.Collect(1);
        cluster.Deliver();
        var asked = cluster.Events[leader.Id].OfType<RevalidateRequested>().Single();
        leader.AnswerRevalidate(asked.LearnerId, asked.SessionId, valid: true);
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.Equal(new SessionRevalidated(0x42, true), cluster.Events[1].OfType<SessionRevalidated>().Single());

        // SYNC: answered after the write the leader had outstanding when it got the request.
        cluster.Drop = m => m is Ack;
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        cluster.Collect(leader.Id);
        Assert.True(follower.Forward(new Request(0x42, 7, Request.SyncOpCode, default)));
        cluster.Collect(1);
        cluster.Deliver();
        leader.AnswerSync(cluster.Events[leader.Id].OfType<SyncRequested>().Single().LearnerId);
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.DoesNotContain(cluster.Applied[1], item => item is SyncCompleted);
        cluster.Drop = _ => false;
        leader.Step(new Ack(zxid) { From = 2 });
        cluster.Collect(leader.Id);
        cluster.Deliver();
        AssertCommittedBeforeSyncCompleted(cluster.Applied[1], zxid, sessionId: 0x42, cxid: 7);

        // A forwarded write becomes an event for the leader's host.
        Assert.True(follower.Forward(new Request(0x42, 8, 1, Data)));
        cluster.Collect(1);
        cluster.Deliver();
        Assert.Equal(8, cluster.Events[leader.Id].OfType<RequestReceived>().Single().Request.Cxid);
    }

    /// <summary>
    /// A client of a learner writes, then syncs: the learner forwards both, and the leader gets them in one batch.
    /// The SYNC must not reach the learner before the COMMIT of that write (ZooKeeper's follower would answer the
    /// sync first: "xids do not match" at the client); the host answers the sync only after proposing the write.
    /// </summary>
    [Fact]
    public void A_forwarded_sync_waits_for_the_writes_forwarded_before_it_to_be_proposed_and_committed()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        var follower = cluster[1];
        cluster.ClearRecords();
        Assert.True(follower.Forward(new Request(0x42, 8, 1, Data)));
        Assert.True(follower.Forward(new Request(0x42, 9, Request.SyncOpCode, default)));
        cluster.Collect(1);
        cluster.Deliver();

        // The core asks the host for both and answers nothing by itself.
        var events = cluster.Events[leader.Id];
        Assert.Equal(8, events.OfType<RequestReceived>().Single().Request.Cxid);
        long learner = events.OfType<SyncRequested>().Single().LearnerId;
        Assert.Equal(1, learner);
        Assert.DoesNotContain(cluster.Sent[leader.Id], m => m is Sync);

        // The host proposes the write, then answers the sync: the learner commits the write before the sync ends.
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        leader.AnswerSync(learner);
        cluster.Collect(leader.Id);
        cluster.Deliver();
        AssertCommittedBeforeSyncCompleted(cluster.Applied[1], zxid, sessionId: 0x42, cxid: 9);
    }

    /// <summary>
    /// A sync is linearizable: the leader answers it — its own client's or a learner's — only once a quorum has echoed
    /// a PING sent after the sync arrived. A leader that is cut off (here: no follower's echo arrives) answers none,
    /// though it still believes it leads; ZooKeeper's answers at once (Leader.processSync), from a state the new
    /// leader's clients may have overwritten. One echo is enough with three voters: the leader and one follower.
    /// </summary>
    [Fact]
    public void A_sync_is_answered_only_after_a_quorum_echoes_a_ping_sent_after_it()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        var follower = cluster[1];
        cluster.ClearRecords();
        cluster.Drop = m => m is Ping && m.To == leader.Id;

        long round = leader.RequestLeadershipConfirmation();
        Assert.True(follower.Forward(new Request(0x42, 7, Request.SyncOpCode, default)));
        cluster.Collect(leader.Id);
        cluster.Collect(1);
        cluster.Deliver();
        leader.AnswerSync(cluster.Events[leader.Id].OfType<SyncRequested>().Single().LearnerId);
        cluster.Collect(leader.Id);
        cluster.Deliver();
        Assert.Contains(cluster.Sent[leader.Id], m => m is Ping);
        Assert.DoesNotContain(cluster.Events[leader.Id], e => e is LeadershipConfirmed);
        Assert.DoesNotContain(cluster.Sent[leader.Id], m => m is Sync);
        Assert.DoesNotContain(cluster.Applied[1], item => item is SyncCompleted);
        Assert.Equal(ServerState.Leading, leader.State);

        // Follower 2's echoes get through (the next ping round): that is a quorum.
        cluster.Drop = m => m is Ping && m.To == leader.Id && m.From == 1;
        cluster.Tick(cluster.Config.PingInterval + 1);
        var confirmed = cluster.Events[leader.Id].OfType<LeadershipConfirmed>().First();
        Assert.True(confirmed.Round >= round);
        Assert.Contains(cluster.Applied[1], item => item is SyncCompleted { SessionId: 0x42, Cxid: 7 });
    }

    /// <summary>While a learner's SYNC waits for its ping round, the COMMITs of what the learner forwarded after the
    /// sync wait behind it: an Apache follower matches them in the order it forwarded them.</summary>
    [Fact]
    public void Commits_that_follow_a_waiting_sync_wait_behind_it()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        var follower = cluster[1];
        cluster.ClearRecords();
        cluster.Drop = m => m is Ping && m.To == leader.Id && m.From == 2;

        Assert.True(follower.Forward(new Request(0x42, 9, Request.SyncOpCode, default)));
        cluster.Collect(1);
        cluster.Deliver();
        cluster.Drop = m => m is Ping && m.To == leader.Id;
        leader.AnswerSync(cluster.Events[leader.Id].OfType<SyncRequested>().Single().LearnerId);
        Assert.True(leader.TryPropose(Data, default, out long zxid));
        cluster.Collect(leader.Id);
        cluster.Deliver();

        // Committed by the leader and follower 2, but follower 1 gets neither the SYNC nor that COMMIT yet.
        Assert.Contains(zxid, cluster.AppliedZxids(2));
        Assert.DoesNotContain(zxid, cluster.AppliedZxids(1));
        cluster.Drop = _ => false;
        cluster.Tick(cluster.Config.PingInterval + 1);
        int syncAt = cluster.Applied[1].FindIndex(i => i is SyncCompleted { Cxid: 9 });
        int commitAt = cluster.Applied[1].FindIndex(i => i is TxnCommitted c && c.Txn.Zxid == zxid);
        Assert.InRange(syncAt, 0, commitAt - 1);
    }

    /// <summary>The learner handed out the transaction <paramref name="zxid"/> before it completed the sync.</summary>
    private static void AssertCommittedBeforeSyncCompleted(List<CommittedItem> applied, long zxid, long sessionId, int cxid)
    {
        int txnAt = applied.FindIndex(i => i is TxnCommitted c && c.Txn.Zxid == zxid);
        int syncAt = applied.FindIndex(i => i is SyncCompleted s && s.SessionId == sessionId && s.Cxid == cxid);
        Assert.InRange(txnAt, 0, syncAt - 1);
    }
}
