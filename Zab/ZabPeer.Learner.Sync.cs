namespace CoordAspire.Zab;

/// <summary>
/// FOLLOWING/OBSERVING, synchronisation (Learner.syncWithLeader): DIFF, TRUNC or SNAP, the history stream,
/// NEWLEADER — logged, then acknowledged once on disk — and UPTODATE, from which on the learner serves.
/// </summary>
public sealed partial class ZabPeer
{
    /// <summary>syncWithLeader's first packet.</summary>
    private void OnSyncMode(QuorumMessage message)
    {
        switch (message)
        {
            case Diff:
                _syncBase = LastLoggedZxid;
                break;
            case Trunc trunc:
                // Only proposals nobody committed may go: never below what we applied, never beyond our log.
                if (trunc.Zxid < _lastApplied || trunc.Zxid > LastLoggedZxid)
                {
                    ProtocolError($"TRUNC to {Zxid.ToHex(trunc.Zxid)} with applied {Zxid.ToHex(_lastApplied)}, logged {Zxid.ToHex(LastLoggedZxid)}");
                    return;
                }

                LogTruncate(trunc.Zxid);
                _syncBase = trunc.Zxid;
                break;
            case Snap snap:
                // The snapshot may be older than what we applied: a leader that restarted from an old snapshot has
                // not applied its history yet. We serve nothing until UPTODATE, and by then the stream has brought
                // back everything we had applied (it was committed, so it is in the leader's history).
                LogInstallSnapshot(snap.Zxid, snap.Snapshot);
                _syncBase = snap.Zxid;
                _snapSync = true;
                break;
        }

        _syncCommit = 0;
        _stage = LearnerStage.ReceivingHistory;
    }

    private long LastQueuedZxid => _syncBuffer.Count > 0 ? _syncBuffer[^1].Zxid : LastLoggedZxid;

    private void BufferHistory(Txn txn)
    {
        if (txn.Zxid <= LastQueuedZxid)
        {
            if (_snapSync && txn.Zxid <= _syncBase)
            {
                return; // the snapshot already holds it
            }

            ProtocolError($"history entry {Zxid.ToHex(txn.Zxid)} after {Zxid.ToHex(LastQueuedZxid)}");
            return;
        }

        _syncBuffer.Add(txn);
    }

    /// <summary>NEWLEADER: log the history; once it is all on disk, take the new epoch as current and acknowledge.</summary>
    private void OnNewLeader(long zxid)
    {
        if (Zxid.EpochOf(zxid) != _newEpoch || Zxid.CounterOf(zxid) != 0)
        {
            ProtocolError($"NEWLEADER {Zxid.ToHex(zxid)} for epoch {_newEpoch}");
            return;
        }

        foreach (var txn in _syncBuffer)
        {
            LogAppend(txn);
            if (!IsObserver && txn.Zxid > _syncCommit)
            {
                _ackQueue.Enqueue(txn.Zxid);
            }
        }

        _syncBuffer.Clear();
        _newLeaderAckNeeds = LastLoggedZxid;
        _newLeaderAckPending = true;
        _stage = LearnerStage.AwaitingUpToDate;
        FlushAcks();
    }

    /// <summary>UPTODATE: a quorum has the history; commit it and serve.</summary>
    private void OnUpToDate()
    {
        if (_newLeaderAckPending)
        {
            ProtocolError("UPTODATE before our NEWLEADER ACK");
            return;
        }

        _stage = LearnerStage.Serving;
        _committedZxid = Math.Min(LastLoggedZxid, Math.Max(_committedZxid, Math.Max(_syncBase, _syncCommit)));
        _currentVote = _currentVote with { PeerEpoch = _newEpoch }; // QuorumPeer.updateElectionVote
        SetPhase(ZabPhase.Broadcast);
        Record(new LearnerSynced(Leader, _newEpoch, LastLoggedZxid));
        DeliverCommitted();
    }

    /// <summary>
    /// Durability rule (Zab: a follower acknowledges a proposal only once it is on stable storage; for NEWLEADER,
    /// ZOOKEEPER-3911/4394): an ACK tells the leader it may count this peer towards a quorum that makes the
    /// proposal — or, for NEWLEADER, the whole synced history — survive any minority of crashes. So an ACK leaves
    /// only after LogPersisted covered what it acknowledges.
    /// <para>
    /// currentEpoch moves to the new epoch at the same moment, not at NEWLEADER (ZOOKEEPER-4643): a peer whose
    /// currentEpoch is newer than its log would, after a crash that lost the log's tail, win the next election
    /// with a history missing committed transactions. The Ready carries the epoch to disk before the ACK leaves.
    /// </para>
    /// </summary>
    private void FlushAcks()
    {
        if (_newLeaderAckPending)
        {
            if (_persistedZxid < _newLeaderAckNeeds)
            {
                return;
            }

            _newLeaderAckPending = false;
            PersistEpochs(_epochs with { CurrentEpoch = _newEpoch });
            Send(Leader, new Ack(Zxid.Make(_newEpoch, 0)));
        }

        if (_stage is not (LearnerStage.AwaitingUpToDate or LearnerStage.Serving))
        {
            return;
        }

        while (_ackQueue.Count > 0 && _ackQueue.Peek() <= _persistedZxid)
        {
            long zxid = _ackQueue.Dequeue();
            Send(Leader, new Ack(zxid));
            Record(new AckSent(zxid));
        }
    }
}
