namespace CoordAspire.Zab;

/// <summary>
/// LOOKING: fast leader election (FastLeaderElection.lookForLeader and its WorkerReceiver), driven by
/// notifications and ticks instead of a blocking queue. Votes are ordered by (peerEpoch, zxid, sid); a peer adopts
/// any better vote it hears and re-announces it; once a quorum agrees with its proposal it waits
/// <see cref="ZabConfig.FinalizeWait"/> for a better vote and, hearing none, decides. A peer that arrives late
/// learns the established leader from FOLLOWING/LEADING notifications (the out-of-election votes).
/// </summary>
public sealed partial class ZabPeer
{
    private readonly Dictionary<long, (Vote Vote, ServerState State)> _recvSet = [];
    private readonly Dictionary<long, (Vote Vote, ServerState State)> _outOfElection = [];

    private long _logicalClock;
    private long _proposedLeader;
    private long _proposedZxid;
    private long _proposedPeerEpoch;
    private Vote _currentVote;
    private int _notTimeout;
    private long _notificationDeadline;
    private long? _finalizeDeadline;
    private long _electionStartTick;

    private Vote ProposalVote => new(_proposedLeader, _proposedZxid, _logicalClock, _proposedPeerEpoch);

    /// <summary>FastLeaderElection.getPeerEpoch: a participant's currentEpoch; observers propose no epoch.</summary>
    private long OwnPeerEpoch => _ensemble.IsVoter(Id) ? _epochs.CurrentEpoch : long.MinValue;

    private void StartElection(string reason)
    {
        _logicalClock++;
        UpdateProposal(Id, LastLoggedZxid, OwnPeerEpoch);
        _recvSet.Clear();
        _outOfElection.Clear();
        _finalizeDeadline = null;
        _electionStartTick = _now;
        _notTimeout = _config.MinNotificationInterval;
        Record(new ElectionStarted(_logicalClock, ProposalVote, reason));
        SendNotifications();
        ArmNotificationTimer();
    }

    private void UpdateProposal(long leader, long zxid, long epoch)
    {
        _proposedLeader = leader;
        _proposedZxid = zxid;
        _proposedPeerEpoch = epoch;
    }

    /// <summary>FastLeaderElection.sendNotifications: our proposal to every voter, ourselves included (our own
    /// notification is handled after the current input, as if it came through the receive queue).</summary>
    private void SendNotifications()
    {
        var proposal = new Notification(ServerState.Looking, _proposedLeader, _proposedZxid, _logicalClock, _proposedPeerEpoch);
        foreach (long voter in _ensemble.Voters)
        {
            if (voter == Id)
            {
                _selfNotifications.Enqueue(proposal with { From = Id, To = Id });
            }
            else
            {
                Send(voter, proposal);
            }
        }
    }

    private void DrainSelfNotifications()
    {
        while (_selfNotifications.Count > 0)
        {
            var n = _selfNotifications.Dequeue();
            if (State == ServerState.Looking)
            {
                HandleLookingNotification(n);
            }
        }
    }

    /// <summary>Waits notTimeout for the next notification; on silence re-sends and doubles it (exponential
    /// backoff to maxNotificationInterval). A little seeded jitter keeps peers that started together apart.</summary>
    private void ArmNotificationTimer() =>
        _notificationDeadline = _now + _notTimeout + _random.Next(_notTimeout / 4 + 1);

    private void TickLooking()
    {
        if (_finalizeDeadline is { } deadline)
        {
            if (_now >= deadline)
            {
                // No better vote within finalizeWait: the quorum's choice stands.
                FinishElection(_proposedLeader, _proposedZxid, _logicalClock, _proposedPeerEpoch);
            }

            return;
        }

        if (_now >= _notificationDeadline)
        {
            SendNotifications();
            _notTimeout = Math.Min(_notTimeout * 2, _config.MaxNotificationInterval);
            ArmNotificationTimer();
        }
    }

    /// <summary>FastLeaderElection.Messenger.WorkerReceiver: what happens to a notification whatever our state.</summary>
    private void OnNotification(Notification n)
    {
        if (!_ensemble.IsVoter(n.From))
        {
            // From a non-voting server (an observer looking for the leader): answer right away with our vote.
            if (_ensemble.Contains(n.From))
            {
                SendOwnVote(n.From);
            }

            return;
        }

        if (State == ServerState.Looking)
        {
            Record(new NotificationReceived(n.From, n.State, n.Vote));

            // A looking peer behind our round gets our proposal back, so that it catches up.
            if (n.State == ServerState.Looking && n.ElectionEpoch < _logicalClock)
            {
                SendOwnVote(n.From);
            }

            HandleLookingNotification(n);
        }
        else if (n.State == ServerState.Looking)
        {
            // We are out of the election: tell a looking peer whom we follow (or that we lead).
            SendOwnVote(n.From);
        }
    }

    private void SendOwnVote(long to)
    {
        var v = CurrentVote;
        Send(to, new Notification(State, v.Leader, v.Zxid, State == ServerState.Looking ? _logicalClock : v.ElectionEpoch, v.PeerEpoch));
    }

    /// <summary>The body of lookForLeader's loop for one notification taken from the queue.</summary>
    private void HandleLookingNotification(Notification n)
    {
        if (!_ensemble.IsVoter(n.From) || !_ensemble.IsVoter(n.Leader))
        {
            return;
        }

        _notificationDeadline = _now + _notTimeout;

        if (_finalizeDeadline is not null)
        {
            // The finalize loop: a better vote is put back and handled normally; anything else is dropped and the
            // finalizeWait starts again.
            if (!TotalOrder(n.Leader, n.Zxid, n.PeerEpoch, _proposedLeader, _proposedZxid, _proposedPeerEpoch))
            {
                _finalizeDeadline = _now + _config.FinalizeWait;
                return;
            }

            _finalizeDeadline = null;
        }

        switch (n.State)
        {
            case ServerState.Looking:
                if (n.ElectionEpoch > _logicalClock)
                {
                    // A newer round: join it, with the better of its vote and our own initial one.
                    _logicalClock = n.ElectionEpoch;
                    _recvSet.Clear();
                    if (TotalOrder(n.Leader, n.Zxid, n.PeerEpoch, Id, LastLoggedZxid, OwnPeerEpoch))
                    {
                        UpdateProposal(n.Leader, n.Zxid, n.PeerEpoch);
                    }
                    else
                    {
                        UpdateProposal(Id, LastLoggedZxid, OwnPeerEpoch);
                    }

                    SendNotifications();
                }
                else if (n.ElectionEpoch < _logicalClock)
                {
                    return;
                }
                else if (TotalOrder(n.Leader, n.Zxid, n.PeerEpoch, _proposedLeader, _proposedZxid, _proposedPeerEpoch))
                {
                    UpdateProposal(n.Leader, n.Zxid, n.PeerEpoch);
                    SendNotifications();
                }

                _recvSet[n.From] = (n.Vote, ServerState.Looking);
                if (HasQuorum(_recvSet, ProposalVote, ServerState.Looking))
                {
                    _finalizeDeadline = _now + _config.FinalizeWait;
                }

                break;

            case ServerState.Following or ServerState.Leading:
                ReceivedOutOfElectionNotification(n);
                break;
        }
    }

    /// <summary>FastLeaderElection.receivedFollowingNotification / receivedLeadingNotification.</summary>
    private void ReceivedOutOfElectionNotification(Notification n)
    {
        var vote = n.Vote;

        // Notifications of the same round count together with the looking votes.
        if (n.ElectionEpoch == _logicalClock)
        {
            _recvSet[n.From] = (vote, n.State);
            if (HasQuorum(_recvSet, vote, n.State) && CheckLeader(_recvSet, n.Leader, n.ElectionEpoch))
            {
                FinishElection(n.Leader, n.Zxid, n.ElectionEpoch, n.PeerEpoch);
                return;
            }
        }

        // Before joining an established ensemble, a quorum must follow the same leader, and that leader must say
        // it leads (ZOOKEEPER-1732).
        _outOfElection[n.From] = (vote, n.State);
        if (HasQuorum(_outOfElection, vote, n.State) && CheckLeader(_outOfElection, n.Leader, n.ElectionEpoch))
        {
            _logicalClock = n.ElectionEpoch;
            FinishElection(n.Leader, n.Zxid, n.ElectionEpoch, n.PeerEpoch);
        }
    }

    /// <summary>FastLeaderElection.checkLeader: we follow someone else only if it told us itself that it leads;
    /// we lead only if the votes for us are of our own round.</summary>
    private bool CheckLeader(Dictionary<long, (Vote Vote, ServerState State)> votes, long leader, long electionEpoch)
    {
        if (leader != Id)
        {
            return votes.TryGetValue(leader, out var v) && v.State == ServerState.Leading;
        }

        return _logicalClock == electionEpoch;
    }

    private bool HasQuorum(Dictionary<long, (Vote Vote, ServerState State)> votes, Vote vote, ServerState voteState)
    {
        int count = 0;
        foreach (var (sid, v) in votes)
        {
            if (_ensemble.IsVoter(sid) && Vote.Matches(vote, voteState, v.Vote, v.State))
            {
                count++;
            }
        }

        return 2 * count > _ensemble.Voters.Count;
    }

    private bool TotalOrder(long newId, long newZxid, long newEpoch, long curId, long curZxid, long curEpoch) =>
        Vote.TotalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid, curEpoch, _ensemble.IsVoter(newId));

    /// <summary>lookForLeader returns: setPeerState(LEADING or the learning state) and leaveInstance.</summary>
    private void FinishElection(long leader, long zxid, long electionEpoch, long peerEpoch)
    {
        _finalizeDeadline = null;
        _recvSet.Clear();
        _outOfElection.Clear();
        _currentVote = new Vote(leader, zxid, electionEpoch, peerEpoch);
        var next = leader == Id ? ServerState.Leading : IsObserver ? ServerState.Observing : ServerState.Following;
        Record(new ElectionFinished(leader, electionEpoch, peerEpoch, zxid, _now - _electionStartTick, next));
        if (next == ServerState.Leading)
        {
            BecomeLeading();
        }
        else
        {
            BecomeLearner(leader);
        }
    }
}
