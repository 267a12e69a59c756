namespace CoordAspire.Zab;

/// <summary>
/// LEADING, phase 2 — synchronisation (LearnerHandler.syncFollower, Leader.waitForNewLeaderAck). Each learner gets
/// DIFF, TRUNC or SNAP, then the history entries it lacks, then NEWLEADER. When a quorum (ourselves included) has
/// acknowledged NEWLEADER — that is, has the whole history on disk and currentEpoch set — the history is committed
/// and the leader sends UPTODATE and starts broadcasting.
/// </summary>
public sealed partial class ZabPeer
{
    private readonly HashSet<long> _newLeaderAcks = [];
    private bool _selfNewLeaderAcked;

    private long NewLeaderZxid => Zxid.Make(_proposedEpoch, 0);

    /// <summary>What a learner may treat as committed once UPTODATE: the whole history before broadcast starts
    /// (UPTODATE follows a quorum of NEWLEADER acks), the commit point afterwards.</summary>
    private long SyncCommitPoint => Phase == ZabPhase.Broadcast ? _committedZxid : _history.LastZxid;

    /// <summary>LearnerHandler.syncFollower + startForwarding: queue the sync stream, then NEWLEADER.</summary>
    private void SyncLearner(LearnerHandler handler)
    {
        long committed = SyncCommitPoint;
        var plan = SyncPlanner.Choose(handler.PeerLastZxid, _history, committed, _lastApplied);
        Send(handler.Sid, plan.Mode switch
        {
            SyncMode.Diff => new Diff(plan.Zxid),
            SyncMode.Trunc => new Trunc(plan.Zxid),
            _ => new Snap(plan.Zxid, ReadOnlyMemory<byte>.Empty),
        });
        Record(new LearnerSyncStarted(handler.Sid, plan.Mode, handler.PeerLastZxid, plan.Zxid));

        for (int i = _history.FirstIndexAfter(plan.StreamAfter); i < _history.Count; i++)
        {
            var txn = _history[i];
            if (txn.Zxid <= committed)
            {
                Send(handler.Sid, new Proposal(txn));
                Send(handler.Sid, new Commit(txn.Zxid));
            }
            else if (!handler.IsObserver)
            {
                // Outstanding proposals go to participants only; observers hear of them by INFORM once committed.
                Send(handler.Sid, new Proposal(txn));
                handler.Unacked.Enqueue((txn.Zxid, _now));
            }
        }

        // From here on the learner gets every new PROPOSAL/COMMIT (or INFORM) behind its stream.
        handler.Phase = LearnerPhase.Syncing;
        Send(handler.Sid, new NewLeader(NewLeaderZxid));
    }

    /// <summary>The ACK of NEWLEADER from a learner.</summary>
    private void OnNewLeaderAck(LearnerHandler handler, long zxid)
    {
        if (zxid != NewLeaderZxid)
        {
            Violation(handler.Sid, $"NEWLEADER ACK for {Zxid.ToHex(zxid)}, expected {Zxid.ToHex(NewLeaderZxid)}");
            DropLearner(handler);
            return;
        }

        if (_ensemble.IsVoter(handler.Sid))
        {
            _newLeaderAcks.Add(handler.Sid);
        }

        if (Phase == ZabPhase.Broadcast)
        {
            SendUpToDate(handler);
        }
        else
        {
            handler.Phase = LearnerPhase.AwaitingQuorum;
            CheckNewLeaderQuorum();
        }
    }

    /// <summary>
    /// The leader's own NEWLEADER ack. Durability: it promises what a follower's ACK promises — the whole history
    /// is on this peer's disk (entries logged while it was a follower may still be in flight to the disk) — so it
    /// counts only once LogPersisted covers the last entry. Only then does currentEpoch become the new epoch
    /// (Leader.lead sets it after waitForEpochAck; ZOOKEEPER-4643 is why not before the history is durable); the
    /// Ready carries it to disk before anything that could reveal the commit leaves.
    /// </summary>
    private void TrySelfAckNewLeader()
    {
        if (Phase != ZabPhase.Synchronization || _selfNewLeaderAcked || _persistedZxid < _history.LastZxid)
        {
            return;
        }

        PersistEpochs(_epochs with { CurrentEpoch = _proposedEpoch });
        _selfNewLeaderAcked = true;
        _newLeaderAcks.Add(Id);
        CheckNewLeaderQuorum();
    }

    private void CheckNewLeaderQuorum()
    {
        if (Phase == ZabPhase.Synchronization && _newLeaderAcks.Contains(Id) && _ensemble.ContainsQuorum(_newLeaderAcks))
        {
            StartBroadcast();
        }
    }

    /// <summary>Leader.lead after waitForNewLeaderAck: startZkServer, UPTODATE to everyone who acked.</summary>
    private void StartBroadcast()
    {
        // A quorum has the history on disk under the new epoch: all of it is committed (Zab, phase 2).
        _committedZxid = _history.LastZxid;
        _lastProposed = NewLeaderZxid;
        _lastAssigned = NewLeaderZxid;
        _currentVote = _currentVote with { PeerEpoch = _proposedEpoch }; // QuorumPeer.updateElectionVote
        SetPhase(ZabPhase.Broadcast);
        _nextPing = _now;
        Record(new LeaderEstablished(_proposedEpoch, _committedZxid, _now - _leadingSince));
        foreach (var handler in _learners.Values)
        {
            if (handler.Phase == LearnerPhase.AwaitingQuorum)
            {
                SendUpToDate(handler);
            }
        }

        DeliverCommitted();
    }

    private void SendUpToDate(LearnerHandler handler)
    {
        Send(handler.Sid, new UpToDate());
        handler.Phase = LearnerPhase.Broadcast;
        handler.LastHeard = _now;
        handler.BroadcastSince = _now;
    }
}
