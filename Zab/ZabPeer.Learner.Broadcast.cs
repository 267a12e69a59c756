namespace CoordAspire.Zab;

/// <summary>
/// FOLLOWING/OBSERVING, broadcast (Follower.processPacket, Observer.processPacket): log proposals and acknowledge
/// them once on disk, apply commits (observers: INFORMs), answer pings with session activity, finish syncs.
/// </summary>
public sealed partial class ZabPeer
{
    /// <summary>Follower.processPacket PROPOSAL: log it; the ACK follows the fsync.</summary>
    private void AcceptProposal(Txn txn)
    {
        // The leader's proposals of its epoch are contiguous; over a FIFO connection a gap or repeat is a bug.
        long last = LastLoggedZxid;
        long expected = Zxid.EpochOf(last) == _newEpoch ? last + 1 : Zxid.Make(_newEpoch, 1);
        if (txn.Zxid != expected)
        {
            if (_snapSync && txn.Zxid <= _syncBase)
            {
                return;
            }

            ProtocolError($"proposal {Zxid.ToHex(txn.Zxid)}, expected {Zxid.ToHex(expected)}");
            return;
        }

        Record(new ProposalReceived(txn.Zxid, txn.TraceContext));
        LogAppend(txn);
        _ackQueue.Enqueue(txn.Zxid);
        FlushAcks();
    }

    private void OnCommit(long zxid)
    {
        if (zxid > LastLoggedZxid)
        {
            ProtocolError($"COMMIT of {Zxid.ToHex(zxid)} beyond our log {Zxid.ToHex(LastLoggedZxid)}");
            return;
        }

        _committedZxid = Math.Max(_committedZxid, zxid);
        DeliverCommitted();
    }

    /// <summary>Observer.processPacket INFORM: a committed transaction; log it, apply it once on disk.</summary>
    private void OnInform(Txn txn)
    {
        if (txn.Zxid <= LastLoggedZxid)
        {
            if (_snapSync && txn.Zxid <= _syncBase)
            {
                return;
            }

            ProtocolError($"INFORM {Zxid.ToHex(txn.Zxid)} after {Zxid.ToHex(LastLoggedZxid)}");
            return;
        }

        LogAppend(txn);
        if (_stage == LearnerStage.Serving)
        {
            _committedZxid = txn.Zxid;
            DeliverCommitted();
        }
        else
        {
            _syncCommit = Math.Max(_syncCommit, txn.Zxid);
        }
    }

    /// <summary>Learner.ping: echo the ping with the sessions touched since the last one.</summary>
    private void ReplyToPing(Ping ping)
    {
        var touches = new List<SessionTouch>(_touches.Count);
        foreach (var (sessionId, timeout) in _touches)
        {
            touches.Add(new SessionTouch(sessionId, timeout));
        }

        _touches.Clear();
        Send(Leader, new Ping(ping.Zxid, touches));
    }

    /// <summary>FollowerZooKeeperServer.sync: the oldest forwarded sync is answered once everything committed
    /// before the SYNC arrived has been applied here.</summary>
    private void OnSync()
    {
        if (_pendingSyncRequests.Count == 0)
        {
            ProtocolError("SYNC without a pending sync request");
            return;
        }

        var (sessionId, cxid) = _pendingSyncRequests.Dequeue();
        _syncCompletions.Enqueue((_committedZxid, sessionId, cxid));
        DeliverCommitted();
    }
}
