namespace CoordAspire.Zab;

/// <summary>
/// LEADING, phase 1 — discovery (Leader.lead up to waitForEpochAck). The new epoch is one more than the highest
/// acceptedEpoch among a quorum of FOLLOWERINFOs (getEpochToPropose); the leader sends it in LEADERINFO; a quorum
/// of ACKEPOCHs (each learner promising not to follow an older leader) establishes it (waitForEpochAck). Each step
/// has <see cref="ZabConfig.InitLimit"/> ticks, or the leader goes back to LOOKING.
/// </summary>
public sealed partial class ZabPeer
{
    private readonly HashSet<long> _connectingFollowers = [];
    private readonly HashSet<long> _electingFollowers = [];

    private long _proposedEpoch;
    private bool _waitingForNewEpoch;
    private bool _electionFinished;
    private (long CurrentEpoch, long LastZxid) _leaderStateSummary;

    /// <summary>Leader.getEpochToPropose, called for ourselves and for each FOLLOWERINFO/OBSERVERINFO.</summary>
    private void GetEpochToPropose(long sid, long lastAcceptedEpoch)
    {
        if (!_waitingForNewEpoch)
        {
            return;
        }

        if (lastAcceptedEpoch >= _proposedEpoch)
        {
            _proposedEpoch = lastAcceptedEpoch + 1;
        }

        if (_ensemble.IsVoter(sid))
        {
            _connectingFollowers.Add(sid);
        }

        if (!_connectingFollowers.Contains(Id) || !_ensemble.ContainsQuorum(_connectingFollowers))
        {
            return;
        }

        // The epoch is fixed: higher than anything a quorum has accepted, so no earlier leader can use it.
        _waitingForNewEpoch = false;
        PersistEpochs(_epochs with { AcceptedEpoch = _proposedEpoch });
        _phaseDeadline = _now + _config.InitLimit;
        foreach (var handler in _learners.Values)
        {
            if (handler.Phase == LearnerPhase.AwaitingEpoch)
            {
                SendLeaderInfo(handler);
            }
        }

        WaitForEpochAck(Id, _leaderStateSummary.CurrentEpoch);
    }

    private void SendLeaderInfo(LearnerHandler handler)
    {
        Send(handler.Sid, new LeaderInfo(_proposedEpoch));
        handler.Phase = LearnerPhase.AwaitingAckEpoch;
    }

    /// <summary>Leader.waitForEpochAck: a quorum (ourselves included) acknowledged the new epoch.</summary>
    private void WaitForEpochAck(long sid, long learnerCurrentEpoch)
    {
        if (_electionFinished)
        {
            return;
        }

        // currentEpoch -1: the learner had already accepted this epoch (for another attempt), so its reply is no
        // promise and does not count.
        if (learnerCurrentEpoch != -1 && _ensemble.IsVoter(sid))
        {
            _electingFollowers.Add(sid);
        }

        if (!_electingFollowers.Contains(Id) || !_ensemble.ContainsQuorum(_electingFollowers))
        {
            return;
        }

        _electionFinished = true;
        SetPhase(ZabPhase.Synchronization);
        _phaseDeadline = _now + _config.InitLimit;
        foreach (var handler in _learners.Values.ToList())
        {
            if (handler.Phase == LearnerPhase.AwaitingEpochQuorum)
            {
                SyncLearner(handler);
            }
        }

        TrySelfAckNewLeader();
    }

    /// <summary>LearnerHandler.run's first packet: FOLLOWERINFO or OBSERVERINFO.</summary>
    private void OnLearnerInfo(LearnerInfo info)
    {
        long sid = info.From;
        if (!_ensemble.Contains(sid) || info.IsObserver != _ensemble.IsObserver(sid))
        {
            Send(sid, new CloseConnection());
            return;
        }

        if (_learners.TryGetValue(sid, out var old))
        {
            // A new connection from the same server: the old one is dead.
            RemoveLearner(old);
        }

        if (!_waitingForNewEpoch && info.AcceptedEpoch > _proposedEpoch)
        {
            // It promised a newer epoch to a leader that never got established, so it can never follow ours (the
            // promise is what keeps an older leader from committing behind a newer one's back). ZooKeeper leaves it
            // out until this leader fails; we step down instead, taking the promise as our own so that the next
            // epoch is above it, and the whole ensemble serves again.
            Record(new SteppedDown(_proposedEpoch, $"server {sid} accepted epoch {info.AcceptedEpoch}"));
            PersistEpochs(_epochs with { AcceptedEpoch = Math.Max(_epochs.AcceptedEpoch, info.AcceptedEpoch) });
            BecomeLooking("a learner promised a newer epoch");
            return;
        }

        var handler = new LearnerHandler(sid, info.IsObserver, info.AcceptedEpoch, _now);
        _learners[sid] = handler;
        if (_waitingForNewEpoch)
        {
            GetEpochToPropose(sid, handler.AcceptedEpoch);
        }
        else
        {
            SendLeaderInfo(handler);
        }
    }

    private void OnAckEpoch(LearnerHandler handler, AckEpoch ack)
    {
        handler.PeerLastZxid = ack.LastLoggedZxid;
        handler.Phase = LearnerPhase.AwaitingEpochQuorum;
        if (!_electionFinished)
        {
            // StateSummary.isMoreRecentThan: a learner with a newer history than ours must not be synced to ours.
            if (ack.CurrentEpoch != -1
                && (ack.CurrentEpoch > _leaderStateSummary.CurrentEpoch
                    || (ack.CurrentEpoch == _leaderStateSummary.CurrentEpoch && ack.LastLoggedZxid > _leaderStateSummary.LastZxid)))
            {
                DropLearner(handler);
                return;
            }

            WaitForEpochAck(handler.Sid, ack.CurrentEpoch);
        }

        if (_electionFinished && handler.Phase == LearnerPhase.AwaitingEpochQuorum)
        {
            SyncLearner(handler);
        }
    }
}
