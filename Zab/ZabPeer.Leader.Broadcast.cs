namespace CoordAspire.Zab;

/// <summary>
/// LEADING, phase 3 — broadcast (Leader.propose, processAck, tryToCommit, the lead() ping loop). Every write
/// becomes a PROPOSAL with the next zxid; it commits once a quorum of participants has ACKed it (our own ACK only
/// after our own fsync) and every earlier proposal has committed; COMMIT goes to followers and INFORM to
/// observers. A leader that cannot hear a quorum of synced followers within syncLimit steps down.
/// </summary>
public sealed partial class ZabPeer
{
    private readonly SortedDictionary<long, PendingProposal> _outstanding = [];
    private readonly Dictionary<long, List<(long Sid, long Round)>> _pendingSyncs = [];
    private long _lastProposed;

    /// <summary>The last zxid <see cref="AssignZxid"/> handed out; at least <see cref="_lastProposed"/> while leading.</summary>
    private long _lastAssigned;
    private long _nextPing;

    private sealed class PendingProposal(Txn txn, long createdTick)
    {
        public Txn Txn { get; } = txn;

        public long CreatedTick { get; } = createdTick;

        public HashSet<long> Acks { get; } = [];
    }

    /// <summary>
    /// Leader: the zxid of the next transaction the host prepares (the leader's hzxid, which PrepRequestProcessor
    /// takes for each request). The core is the one owner of zxids: it hands them out in order, and
    /// <see cref="TryPropose(long, ReadOnlyMemory{byte}, ReadOnlyMemory{byte})"/> takes them back in that order. A
    /// number handed out while this peer is not a broadcasting leader is never proposed: the host drops what it
    /// prepared when it learns the role ended, and the next leadership numbers from its own epoch.
    /// </summary>
    public long AssignZxid() => ++_lastAssigned;

    /// <summary>
    /// Leader.propose: orders one prepared transaction, numbered <paramref name="zxid"/> by <see cref="AssignZxid"/>.
    /// False when this peer is not a broadcasting leader (the host answers the client as ZooKeeper would, e.g.
    /// ConnectionLoss). Throws if <paramref name="zxid"/> is not the next one: a host that proposes out of the order
    /// it was given numbers in is broken, and a log with a gap must never be written.
    /// </summary>
    public bool TryPropose(long zxid, ReadOnlyMemory<byte> txnData, ReadOnlyMemory<byte> traceContext)
    {
        if (State != ServerState.Leading || Phase != ZabPhase.Broadcast)
        {
            return false;
        }

        if (Zxid.CounterOf(_lastProposed) >= Zxid.MaxCounter)
        {
            // The counter would roll into the next epoch: ZooKeeper forces a re-election instead.
            BecomeLooking("zxid counter exhausted");
            return false;
        }

        if (zxid != _lastProposed + 1)
        {
            throw new InvalidOperationException($"Proposal 0x{zxid:x} out of order: the next zxid is 0x{_lastProposed + 1:x}.");
        }

        _lastProposed = zxid;
        var txn = new Txn(zxid, txnData, traceContext);
        LogAppend(txn);
        _outstanding[zxid] = new PendingProposal(txn, _now);
        Record(new ProposalCreated(zxid, traceContext));
        foreach (var handler in _learners.Values)
        {
            if (handler.IsForwarding && !handler.IsObserver)
            {
                Send(handler.Sid, new Proposal(txn));
                handler.Unacked.Enqueue((zxid, _now));
            }
        }

        return true;
    }

    /// <summary>Numbers and proposes one transaction whose bytes do not carry its zxid (tests of the core).</summary>
    public bool TryPropose(ReadOnlyMemory<byte> txnData, ReadOnlyMemory<byte> traceContext, out long zxid)
    {
        zxid = 0;
        if (State != ServerState.Leading || Phase != ZabPhase.Broadcast)
        {
            return false;
        }

        long assigned = AssignZxid();
        if (!TryPropose(assigned, txnData, traceContext))
        {
            return false;
        }

        zxid = assigned;
        return true;
    }

    /// <summary>REVALIDATE answer for a learner, after the host looked the session up (Leader.revalidateSession).</summary>
    public void AnswerRevalidate(long learnerId, long sessionId, bool valid)
    {
        if (State == ServerState.Leading && _learners.TryGetValue(learnerId, out var handler) && handler.IsForwarding)
        {
            Send(learnerId, new RevalidateReply(sessionId, valid));
        }
    }

    private void OnAck(LearnerHandler handler, long zxid)
    {
        if (handler.Phase == LearnerPhase.Syncing)
        {
            OnNewLeaderAck(handler, zxid);
            return;
        }

        while (handler.Unacked.Count > 0 && handler.Unacked.Peek().Zxid <= zxid)
        {
            handler.Unacked.Dequeue();
        }

        if (!handler.IsObserver)
        {
            ProcessAck(handler.Sid, zxid);
        }
    }

    /// <summary>Leader.processAck.</summary>
    private void ProcessAck(long sid, long zxid)
    {
        if (Zxid.CounterOf(zxid) == 0 || zxid <= _committedZxid || !_outstanding.TryGetValue(zxid, out var proposal))
        {
            return; // a NEWLEADER ack, already committed, or not ours
        }

        if (proposal.Acks.Add(sid))
        {
            Record(new AckReceived(zxid, sid));
            TryToCommit();
        }
    }

    /// <summary>Our own ACKs, once our log write is durable (SyncRequestProcessor → AckRequestProcessor).</summary>
    private void OnLeaderLogPersisted()
    {
        if (Phase == ZabPhase.Synchronization)
        {
            TrySelfAckNewLeader();
            return;
        }

        bool any = false;
        foreach (var (zxid, proposal) in _outstanding)
        {
            if (zxid > _persistedZxid)
            {
                break;
            }

            // Durability: the leader's own vote for a proposal counts only once the proposal is on its disk.
            if (proposal.Acks.Add(Id))
            {
                Record(new AckReceived(zxid, Id));
                any = true;
            }
        }

        if (any)
        {
            TryToCommit();
        }
    }

    /// <summary>
    /// Leader.tryToCommit, in zxid order: the oldest outstanding proposal commits when a quorum of participants
    /// has acknowledged it; a later one never commits before it, whatever its own acks.
    /// </summary>
    private void TryToCommit()
    {
        while (_outstanding.Count > 0)
        {
            var (zxid, proposal) = _outstanding.First();
            if (!_ensemble.ContainsQuorum(proposal.Acks))
            {
                break;
            }

            _outstanding.Remove(zxid);
            _committedZxid = zxid;
            foreach (var handler in _learners.Values)
            {
                if (handler.IsForwarding)
                {
                    SendInOrder(handler, handler.IsObserver ? new Inform(proposal.Txn) : new Commit(zxid));
                }
            }

            Record(new ProposalCommitted(zxid, _now - proposal.CreatedTick, proposal.Txn.TraceContext));
            if (_pendingSyncs.Remove(zxid, out var waiting))
            {
                foreach (var (sid, round) in waiting)
                {
                    if (_learners.TryGetValue(sid, out var learner))
                    {
                        SendSyncWhenConfirmed(learner, round);
                    }
                }
            }
        }

        DeliverCommitted();
    }

    /// <summary>A forwarded request, for the host: a write to prepare and propose, or a sync to answer (through
    /// <see cref="AnswerSync"/>) once everything received before it has been proposed.</summary>
    private void OnRequest(LearnerHandler handler, Request request)
    {
        Emit(request.IsSync ? new SyncRequested(handler.Sid) : new RequestReceived(handler.Sid, request));
    }

    /// <summary>
    /// Leader.processSync, for a <see cref="SyncRequested"/>: the learner's SYNC is sent once everything proposed so
    /// far has committed (at once when nothing is outstanding) — and, unlike ZooKeeper, once a quorum has echoed a
    /// PING sent after it, so that a leader deposed without knowing it answers no sync (ZabPeer.Leader.Confirmation.cs). The host calls this in the sync's place among the
    /// requests: after proposing every request received before it, and before proposing any received after it — in
    /// ZooKeeper the sync goes down the same processor pipeline as the writes. A learner must get the SYNC after the
    /// COMMITs of what it forwarded first and before those of what it forwarded later: ZooKeeper's follower matches
    /// them against its own queue in that order (CommitProcessor), and a mismatch answers the wrong client request
    /// (the client sees "xids do not match").
    /// </summary>
    public void AnswerSync(long learnerId)
    {
        if (State != ServerState.Leading || !_learners.TryGetValue(learnerId, out var handler) || !handler.IsForwarding)
        {
            return;
        }

        // Linearizable: also after a quorum has echoed a PING sent from now on (ZabPeer.Leader.Confirmation.cs).
        long round = RequestLeadershipConfirmation();
        if (_outstanding.Count == 0)
        {
            SendSyncWhenConfirmed(handler, round);
            return;
        }

        if (!_pendingSyncs.TryGetValue(_lastProposed, out var waiting))
        {
            _pendingSyncs[_lastProposed] = waiting = [];
        }

        waiting.Add((handler.Sid, round));
    }

    /// <summary>The lead() loop: ping the learners, and step down without a quorum of synced participants.</summary>
    private void TickBroadcast()
    {
        if (_now >= _nextPing)
        {
            _nextPing = _now + _config.PingInterval;
            SendPingRound();
        }

        var synced = new List<long>(_learners.Count + 1) { Id };
        foreach (var handler in _learners.Values)
        {
            if (handler.Phase == LearnerPhase.Broadcast && _now - handler.LastHeard <= _config.SyncLimit)
            {
                synced.Add(handler.Sid);
            }
        }

        if (!_ensemble.ContainsQuorum(synced))
        {
            // Without a quorum this leader can commit nothing more; another may already lead a newer epoch.
            // Outstanding proposals stay in the log, uncommitted: the next leader decides their fate.
            Record(new SteppedDown(_proposedEpoch, "not sufficient followers synced"));
            BecomeLooking("leader lost its quorum");
        }
    }
}
