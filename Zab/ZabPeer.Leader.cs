namespace CoordAspire.Zab;

/// <summary>
/// LEADING (Leader.lead and one LearnerHandler per learner): the role's plumbing — starting and stopping, the
/// packet dispatch by learner phase, the tick (phase timeouts, dropping silent or slow learners, the broadcast
/// loop). The three phases are in <c>ZabPeer.Leader.Discovery.cs</c>, <c>.Sync.cs</c> and <c>.Broadcast.cs</c>.
/// </summary>
public sealed partial class ZabPeer
{
    private readonly SortedDictionary<long, LearnerHandler> _learners = [];

    private long _phaseDeadline;
    private long _leadingSince;

    private void StartLeading()
    {
        _learners.Clear();
        _connectingFollowers.Clear();
        _electingFollowers.Clear();
        _newLeaderAcks.Clear();
        _outstanding.Clear();
        _pendingSyncs.Clear();
        ResetConfirmation();
        _selfNewLeaderAcked = false;
        _electionFinished = false;
        _waitingForNewEpoch = true;
        _proposedEpoch = -1;
        _lastProposed = 0;
        _leadingSince = _now;
        _phaseDeadline = _now + _config.InitLimit;
        _leaderStateSummary = (_epochs.CurrentEpoch, LastLoggedZxid);
        GetEpochToPropose(Id, _epochs.AcceptedEpoch);
    }

    private void StopLeading()
    {
        foreach (long sid in _learners.Keys)
        {
            Send(sid, new CloseConnection());
        }

        _learners.Clear();
        _outstanding.Clear();
        _pendingSyncs.Clear();
        ResetConfirmation();
        _proposedEpoch = 0;
        _lastProposed = 0;
    }

    private void StepLeader(QuorumMessage message)
    {
        if (message is LearnerInfo info)
        {
            OnLearnerInfo(info);
            return;
        }

        if (!_learners.TryGetValue(message.From, out var handler))
        {
            return; // from a connection we already closed
        }

        handler.LastHeard = _now;
        switch (message)
        {
            case AckEpoch ackEpoch when handler.Phase == LearnerPhase.AwaitingAckEpoch:
                OnAckEpoch(handler, ackEpoch);
                break;
            case Ack ack when handler.Phase >= LearnerPhase.Syncing:
                OnAck(handler, ack.Zxid);
                break;
            case Ping ping when handler.Phase == LearnerPhase.Broadcast:
                if (ping.Touches.Count > 0)
                {
                    Emit(new SessionsTouched(handler.Sid, ping.Touches));
                }

                OnPingEcho(handler);

                break;
            case Request request when handler.Phase == LearnerPhase.Broadcast:
                OnRequest(handler, request);
                break;
            case Revalidate revalidate when handler.Phase == LearnerPhase.Broadcast:
                Emit(new RevalidateRequested(handler.Sid, revalidate.SessionId, revalidate.Timeout));
                break;
            default:
                Violation(handler.Sid, $"unexpected {message.Type} from a learner in phase {handler.Phase}");
                DropLearner(handler);
                break;
        }
    }

    /// <summary>The leader closes a learner's connection (LearnerHandler.shutdown).</summary>
    private void DropLearner(LearnerHandler handler)
    {
        RemoveLearner(handler);
        Send(handler.Sid, new CloseConnection());
    }

    private void RemoveLearner(LearnerHandler handler)
    {
        _learners.Remove(handler.Sid);
        foreach (var waiting in _pendingSyncs.Values)
        {
            waiting.RemoveAll(w => w.Sid == handler.Sid);
        }
    }

    private void TickLeader()
    {
        if (Phase != ZabPhase.Broadcast && _now >= _phaseDeadline)
        {
            Record(new SteppedDown(_proposedEpoch, $"no quorum within initLimit in {Phase}"));
            BecomeLooking("leader timed out in " + Phase);
            return;
        }

        foreach (var handler in _learners.Values.ToList())
        {
            int limit = handler.Phase == LearnerPhase.Broadcast ? _config.SyncLimit : _config.InitLimit;
            bool silent = _now - handler.LastHeard > limit;
            bool slow = handler.Phase == LearnerPhase.Broadcast && handler.Unacked.Count > 0
                && _now - Math.Max(handler.Unacked.Peek().SentTick, handler.BroadcastSince) > _config.SyncLimit;
            if (silent || slow)
            {
                DropLearner(handler);
            }
        }

        if (Phase == ZabPhase.Broadcast)
        {
            TickBroadcast();
        }
    }
}
