namespace CoordAspire.Zab;

/// <summary>
/// FOLLOWING and OBSERVING (Follower.followLeader, Observer.observeLeader), phase 1 — discovery
/// (Learner.registerWithLeader): FOLLOWERINFO/OBSERVERINFO, then LEADERINFO answered with ACKEPOCH. Also the role's
/// plumbing: the packet dispatch, timeouts, and what the host asks of a learner. Synchronisation is in
/// <c>ZabPeer.Learner.Sync.cs</c>, broadcast in <c>ZabPeer.Learner.Broadcast.cs</c>.
/// </summary>
public sealed partial class ZabPeer
{
    private enum LearnerStage
    {
        /// <summary>LearnerInfo sent, waiting for LEADERINFO (the leader may refuse the connection: retry).</summary>
        Registering,

        /// <summary>ACKEPOCH sent, waiting for DIFF/TRUNC/SNAP.</summary>
        AwaitingSyncMode,

        /// <summary>Taking the history stream until NEWLEADER.</summary>
        ReceivingHistory,

        /// <summary>NEWLEADER taken; waiting for UPTODATE.</summary>
        AwaitingUpToDate,

        /// <summary>UPTODATE taken: serving.</summary>
        Serving,
    }

    private readonly List<Txn> _syncBuffer = [];
    private readonly Queue<long> _ackQueue = new();
    private readonly Queue<(long SessionId, int Cxid)> _pendingSyncRequests = new();
    private readonly Dictionary<long, int> _touches = [];

    private LearnerStage _stage;
    private long _newEpoch;
    private long _lastHeardFromLeader;
    private long _registrationDeadline;
    private long? _retryAt;
    private long _syncBase;
    private long _syncCommit;
    private bool _snapSync;
    private bool _newLeaderAckPending;
    private long _newLeaderAckNeeds;

    private long Leader => LeaderId ?? throw new InvalidOperationException("No leader.");

    /// <summary>
    /// Learner.request: forwards a client request (a write, or a sync) to the leader. False unless this learner is
    /// serving. A sync is answered by <see cref="SyncCompleted"/> in order with the commits.
    /// </summary>
    public bool Forward(Request request)
    {
        if (State is not (ServerState.Following or ServerState.Observing) || _stage != LearnerStage.Serving)
        {
            return false;
        }

        if (request.IsSync)
        {
            _pendingSyncRequests.Enqueue((request.SessionId, request.Cxid));
        }

        Send(Leader, request);
        return true;
    }

    /// <summary>Learner.validateSession: a client of this session reconnected here; the answer comes as
    /// <see cref="SessionRevalidated"/>.</summary>
    public bool Revalidate(long sessionId, int timeout)
    {
        if (State is not (ServerState.Following or ServerState.Observing) || _stage != LearnerStage.Serving)
        {
            return false;
        }

        Send(Leader, new Revalidate(sessionId, timeout));
        return true;
    }

    /// <summary>Session activity seen by this learner, reported to the leader with the next ping reply
    /// (LearnerSessionTracker.touchSession / getTouchSnapshot).</summary>
    public void TouchSession(long sessionId, int timeout) => _touches[sessionId] = timeout;

    private void StartLearning(long leader)
    {
        _syncBuffer.Clear();
        _ackQueue.Clear();
        _pendingSyncRequests.Clear();
        _newEpoch = 0;
        _snapSync = false;
        _newLeaderAckPending = false;
        _retryAt = null;
        _stage = LearnerStage.Registering;
        _lastHeardFromLeader = _now;
        _registrationDeadline = _now + _config.InitLimit;
        Send(leader, new LearnerInfo(_epochs.AcceptedEpoch, IsObserver));
    }

    private void StopLearning()
    {
        Send(Leader, new CloseConnection());
        _syncBuffer.Clear();
        _ackQueue.Clear();
        _pendingSyncRequests.Clear();
        _syncCompletions.Clear();
        _touches.Clear();
        _newLeaderAckPending = false;
        _newEpoch = 0;
    }

    private void OnLeaderConnectionLost()
    {
        if (_stage == LearnerStage.Registering)
        {
            // Learner.connectToLeader: the leader is not listening yet (it may still be finishing its election).
            _retryAt = _now + _config.ConnectRetryInterval;
            return;
        }

        BecomeLooking("connection to leader lost");
    }

    private void TickLearner()
    {
        if (_stage == LearnerStage.Registering)
        {
            if (_now >= _registrationDeadline)
            {
                BecomeLooking("could not register with leader");
            }
            else if (_retryAt is { } retry && _now >= retry)
            {
                _retryAt = null;
                _lastHeardFromLeader = _now;
                Send(Leader, new LearnerInfo(_epochs.AcceptedEpoch, IsObserver));
            }

            return;
        }

        // The learner's socket timeout: initLimit while synchronising, syncLimit once serving.
        int limit = _stage == LearnerStage.Serving ? _config.SyncLimit : _config.InitLimit;
        if (_now - _lastHeardFromLeader > limit)
        {
            BecomeLooking("leader silent");
        }
    }

    private void StepLearner(QuorumMessage message)
    {
        if (message is LearnerInfo)
        {
            Send(message.From, new CloseConnection()); // we are not leading: no quorum port to connect to
            return;
        }

        if (message.From != LeaderId)
        {
            return;
        }

        _lastHeardFromLeader = _now;
        switch (_stage, message)
        {
            case (LearnerStage.Registering, LeaderInfo info):
                OnLeaderInfo(info);
                break;
            case (LearnerStage.AwaitingSyncMode, Diff or Trunc or Snap):
                OnSyncMode(message);
                break;
            case (LearnerStage.ReceivingHistory, Proposal p):
                BufferHistory(p.Txn);
                break;
            case (LearnerStage.ReceivingHistory or LearnerStage.AwaitingUpToDate, Commit c):
                _syncCommit = Math.Max(_syncCommit, c.Zxid);
                break;
            case (LearnerStage.ReceivingHistory, NewLeader newLeader):
                OnNewLeader(newLeader.Zxid);
                break;
            case (LearnerStage.AwaitingUpToDate, Proposal p) when !IsObserver:
                AcceptProposal(p.Txn);
                break;
            case (LearnerStage.AwaitingUpToDate, UpToDate):
                OnUpToDate();
                break;
            case (LearnerStage.Serving, Proposal p) when !IsObserver:
                AcceptProposal(p.Txn);
                break;
            case (LearnerStage.Serving, Commit c) when !IsObserver:
                OnCommit(c.Zxid);
                break;
            case (LearnerStage.Serving or LearnerStage.AwaitingUpToDate, Inform inform) when IsObserver:
                OnInform(inform.Txn);
                break;
            case (LearnerStage.Serving, Ping ping):
                ReplyToPing(ping);
                break;
            case (LearnerStage.Serving, Sync):
                OnSync();
                break;
            case (LearnerStage.Serving, RevalidateReply reply):
                Emit(new SessionRevalidated(reply.SessionId, reply.Valid));
                break;
            case (not LearnerStage.Serving, Ping):
                break; // syncWithLeader ignores pings
            default:
                ProtocolError($"unexpected {message.Type} while {_stage}");
                break;
        }
    }

    private void ProtocolError(string reason)
    {
        Violation(Leader, reason);
        BecomeLooking("protocol error: " + reason);
    }

    /// <summary>Learner.registerWithLeader, on LEADERINFO.</summary>
    private void OnLeaderInfo(LeaderInfo info)
    {
        long ackedCurrentEpoch;
        if (info.NewEpoch > _epochs.AcceptedEpoch)
        {
            // Our promise not to follow any leader of an older epoch; on disk before ACKEPOCH leaves (Ready order).
            ackedCurrentEpoch = _epochs.CurrentEpoch;
            PersistEpochs(_epochs with { AcceptedEpoch = info.NewEpoch });
        }
        else if (info.NewEpoch == _epochs.AcceptedEpoch)
        {
            // Already promised this epoch (to an earlier attempt): -1 says this reply is no new promise.
            ackedCurrentEpoch = -1;
        }
        else
        {
            BecomeLooking($"leader's epoch {info.NewEpoch} is older than our accepted epoch {_epochs.AcceptedEpoch}");
            return;
        }

        _newEpoch = info.NewEpoch;
        Send(Leader, new AckEpoch(ackedCurrentEpoch, LastLoggedZxid));
        _stage = LearnerStage.AwaitingSyncMode;
        SetPhase(ZabPhase.Synchronization);
    }
}
