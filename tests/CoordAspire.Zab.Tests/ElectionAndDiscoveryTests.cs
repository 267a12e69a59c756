namespace CoordAspire.Zab.Tests;

/// <summary>Fast leader election and discovery (FastLeaderElection.lookForLeader, Leader.getEpochToPropose,
/// waitForEpochAck, Learner.registerWithLeader), scripted.</summary>
public class ElectionAndDiscoveryTests
{
    [Fact]
    public void A_fresh_ensemble_elects_the_highest_server_id()
    {
        var cluster = new TestCluster(3);
        var leader = cluster.Stabilize();
        Assert.Equal(3, leader.Id);
        Assert.Equal(1, leader.Epoch);
        Assert.All(cluster.Peers.Values, p => Assert.Equal(new EpochState(1, 1), p.Epochs));
    }

    [Fact]
    public void The_peer_with_the_newest_epoch_wins_over_a_longer_log_of_an_older_epoch()
    {
        // Server 1 accepted epoch 3's history; 3 has a longer log of epoch 2. totalOrderPredicate: epoch first.
        var cluster = new TestCluster(3, durable: id => id switch
        {
            1 => TestCluster.Log(3, 3, (2, 1), (3, 1)),
            2 => TestCluster.Log(2, 2, (2, 1)),
            _ => TestCluster.Log(2, 2, (2, 1), (2, 2), (2, 3)),
        });
        var leader = cluster.Stabilize();
        Assert.Equal(1, leader.Id);
        Assert.Equal(4, leader.Epoch);

        // Server 3's proposals of epoch 2 after (2,1) never reached server 1's history: truncated away.
        Assert.Contains(cluster.Logged[3], op => op is TruncateLog { Zxid: 0x200000001 });
        Assert.Equal([Zxid.Make(2, 1), Zxid.Make(3, 1)], cluster.AppliedZxids(3));
    }

    [Fact]
    public void With_equal_epochs_the_highest_zxid_wins_then_the_highest_id()
    {
        var cluster = new TestCluster(5, durable: id => id switch
        {
            2 => TestCluster.Log(1, 1, (1, 1), (1, 2), (1, 3)),
            4 => TestCluster.Log(1, 1, (1, 1), (1, 2), (1, 3)),
            _ => TestCluster.Log(1, 1, (1, 1)),
        });
        Assert.Equal(4, cluster.Stabilize().Id);
    }

    [Fact]
    public void The_new_epoch_is_one_more_than_the_highest_accepted_epoch_of_the_connecting_quorum()
    {
        // Leader.getEpochToPropose: acceptedEpoch 7 on server 2 (it promised epoch 7 to a leader that never made
        // it) pushes the new epoch to 8, though every currentEpoch is 5. (Servers 2 and 3 are the quorum.)
        var cluster = new TestCluster(3, durable: id => TestCluster.Log(id == 2 ? 7 : 5, 5, (5, 1)), start: false);
        cluster.Start(2);
        cluster.Start(3);
        var leader = cluster.Stabilize();
        cluster.Start(1);
        Assert.Same(leader, cluster.Stabilize());
        Assert.Equal(8, leader.Epoch);
        Assert.All(cluster.Peers.Values, p => Assert.Equal(8, p.Epochs.AcceptedEpoch));
        var leaderInfos = cluster.SentBy<LeaderInfo>(leader.Id).ToList();
        Assert.NotEmpty(leaderInfos);
        Assert.All(leaderInfos, li => Assert.Equal(8, li.NewEpoch));
    }

    [Fact]
    public void A_learner_that_already_accepted_the_epoch_answers_ACKEPOCH_with_minus_one()
    {
        var cluster = new TestCluster(3, start: false);
        cluster.Start(1);
        var learner = cluster[1];
        cluster.Deliver();
        // Make server 1 follow server 3 by hand: a LEADING notification from a quorum (3 and 2).
        learner.Step(new Notification(ServerState.Leading, 3, 0, 1, 0) { From = 3, To = 1 });
        learner.Step(new Notification(ServerState.Following, 3, 0, 1, 0) { From = 2, To = 1 });
        cluster.Collect(1);
        Assert.Equal(ServerState.Following, learner.State);
        Assert.Single(cluster.SentBy<LearnerInfo>(1));

        learner.Step(new LeaderInfo(1) { From = 3, To = 1 });
        cluster.Collect(1);
        Assert.Equal(new AckEpoch(0, 0) { From = 1, To = 3 }, cluster.SentBy<AckEpoch>(1).Single());
        Assert.Equal(1, learner.Epochs.AcceptedEpoch);

        // Again (a second attempt of the same epoch): no new promise.
        cluster.ClearRecords();
        learner.Step(new Notification(ServerState.Looking, 1, 0, 9, 0) { From = 2, To = 1 }); // noise, ignored
        learner.ConnectionLost(3);
        cluster.Collect(1);
        Assert.Equal(ServerState.Looking, learner.State);
        learner.Step(new Notification(ServerState.Leading, 3, 0, 1, 0) { From = 3, To = 1 });
        learner.Step(new Notification(ServerState.Following, 3, 0, 1, 0) { From = 2, To = 1 });
        learner.Step(new LeaderInfo(1) { From = 3, To = 1 });
        cluster.Collect(1);
        Assert.Equal(-1, cluster.SentBy<AckEpoch>(1).Single().CurrentEpoch);
    }

    [Fact]
    public void A_learner_refuses_a_leader_whose_epoch_is_older_than_its_promise()
    {
        var cluster = new TestCluster(3, durable: id => TestCluster.Log(id == 1 ? 9 : 1, 1), start: false);
        cluster.Start(1);
        var learner = cluster[1];
        learner.Step(new Notification(ServerState.Leading, 3, 0, 1, 1) { From = 3, To = 1 });
        learner.Step(new Notification(ServerState.Following, 3, 0, 1, 1) { From = 2, To = 1 });
        learner.Step(new LeaderInfo(2) { From = 3, To = 1 });
        cluster.Collect(1);
        Assert.Equal(ServerState.Looking, learner.State);
        Assert.Empty(cluster.SentBy<AckEpoch>(1));
        Assert.Equal(9, learner.Epochs.AcceptedEpoch);
    }

    [Fact]
    public void A_leader_left_alone_steps_down_and_a_minority_never_serves()
    {
        var cluster = new TestCluster(3);
        cluster.Stabilize();
        // Only server 3 is up now; its election cannot end (no quorum), so it stays LOOKING.
        cluster.Down.UnionWith([1, 2]);
        cluster.Tick(cluster.Config.SyncLimit + 2);
        Assert.Equal(ServerState.Looking, cluster[3].State);
        cluster.Tick(200);
        Assert.Equal(ServerState.Looking, cluster[3].State);
        Assert.False(cluster[3].IsServing);
    }

    [Fact]
    public void A_late_peer_joins_the_established_leader_through_out_of_election_votes()
    {
        var cluster = new TestCluster(3, start: false);
        cluster.Start(1);
        cluster.Start(2);
        var leader = cluster.Stabilize();
        Assert.Equal(2, leader.Id);
        cluster.Start(3);
        Assert.Equal(2, cluster.Stabilize().Id);
        Assert.Equal(ServerState.Following, cluster[3].State);
    }
}
