namespace CoordAspire.Zab;

/// <summary>
/// One ZooKeeper server's share of ZAB, as a deterministic state machine (the etcd-raft shape): input arrives
/// through <see cref="Step"/>, <see cref="Tick"/> and a few host calls; output accumulates in a <see cref="Ready"/>
/// that the host drains with <see cref="TakeReady"/> and carries out (see <see cref="Ready"/> for the order).
/// No sockets, files, clocks, tasks or shared randomness: the only randomness is the seeded <see cref="Random"/>
/// given to the constructor, used for election timer jitter.
/// <para>
/// The role loop is QuorumPeer.run: LOOKING → lookForLeader (<c>ZabPeer.Election.cs</c>), LEADING → lead
/// (<c>ZabPeer.Leader.*.cs</c>), FOLLOWING/OBSERVING → followLeader/observeLeader (<c>ZabPeer.Learner.*.cs</c>).
/// Each role is a pair of handlers swapped on transition, as etcd's becomeLeader sets step = stepLeader.
/// </para>
/// </summary>
public sealed partial class ZabPeer
{
    private readonly Ensemble _ensemble;
    private readonly ZabConfig _config;
    private readonly Random _random;
    private readonly History _history;
    private readonly Queue<(long Seq, long Zxid)> _unpersistedAppends = new();
    private readonly Queue<(long RequiredZxid, long SessionId, int Cxid)> _syncCompletions = new();
    private readonly Queue<Notification> _selfNotifications = new();

    private EpochState _epochs;
    private long _persistedZxid;
    private long _committedZxid;
    private long _lastApplied;
    private long _nextLogSequence = 1;
    private long _now;
    private Ready _ready = new();
    private Action<QuorumMessage> _stepQuorum;
    private Action _tick;

    /// <summary>Starts the peer LOOKING (QuorumPeer.start): its first notifications are in the first Ready.</summary>
    public ZabPeer(long id, Ensemble ensemble, DurableState durable, ZabConfig config, Random random)
    {
        if (!ensemble.Contains(id))
        {
            throw new ArgumentException($"Server {id} is not in the ensemble.", nameof(id));
        }

        if (durable.LastAppliedZxid < durable.LogBaseZxid)
        {
            throw new ArgumentException(
                "The log must hold every entry after the applied zxid, but it starts after "
                + $"{Zxid.ToHex(durable.LogBaseZxid)} while the state machine is at {Zxid.ToHex(durable.LastAppliedZxid)}.",
                nameof(durable));
        }

        Id = id;
        _ensemble = ensemble;
        _config = config;
        _random = random;
        _epochs = durable.Epochs;
        _history = new History(durable.LogBaseZxid, durable.Log);
        if (_history.LastZxid < durable.LastAppliedZxid)
        {
            // The snapshot is newer than the log (a SNAP, then a crash before anything was logged after it).
            _history.Reset(durable.LastAppliedZxid);
        }

        _persistedZxid = _history.LastZxid;
        _lastApplied = durable.LastAppliedZxid;
        _committedZxid = durable.LastAppliedZxid;
        _history.TrimApplied(_lastApplied, _config.CommittedLogWindow);
        _stepQuorum = StepLooking;
        _tick = TickLooking;
        BecomeLooking("started");
    }

    public long Id { get; }

    public ServerState State { get; private set; }

    public ZabPhase Phase { get; private set; }

    /// <summary>The leader this peer follows (or itself when leading); null while LOOKING.</summary>
    public long? LeaderId { get; private set; }

    /// <summary>The epoch being led or followed; the current epoch while LOOKING.</summary>
    public long Epoch => State switch
    {
        ServerState.Leading when _proposedEpoch > 0 => _proposedEpoch,
        ServerState.Following or ServerState.Observing when _newEpoch > 0 => _newEpoch,
        _ => _epochs.CurrentEpoch,
    };

    /// <summary>True once this peer may serve clients: a leader or learner in the broadcast phase.</summary>
    public bool IsServing => Phase == ZabPhase.Broadcast;

    public bool IsObserver => _ensemble.IsObserver(Id);

    public EpochState Epochs => _epochs;

    public long LastLoggedZxid => _history.LastZxid;

    /// <summary>Everything up to here is known committed (it may still wait for this peer's own fsync).</summary>
    public long LastCommittedZxid => _committedZxid;

    /// <summary>Everything up to here has been handed to the host in <see cref="Ready.Committed"/>.</summary>
    public long LastAppliedZxid => _lastApplied;


    /// <summary>The vote this peer reports (its proposal while LOOKING, the election's outcome otherwise).</summary>
    public Vote CurrentVote => State == ServerState.Looking ? ProposalVote : _currentVote;

    /// <summary>Ticks since this peer started.</summary>
    public long Now => _now;

    public bool HasReady => !_ready.IsEmpty;

    /// <summary>Hands the accumulated output to the host (etcd's Ready + Advance in one call).</summary>
    public Ready TakeReady()
    {
        var ready = _ready;
        _ready = new Ready();
        return ready;
    }

    /// <summary>A message from another peer (<see cref="ZabMessage.From"/> set by the host).</summary>
    public void Step(ZabMessage message)
    {
        switch (message)
        {
            case Notification n:
                OnNotification(n);
                break;
            case QuorumMessage q:
                _stepQuorum(q);
                break;
        }

        DrainSelfNotifications();
    }

    /// <summary>One unit of logical time (see <see cref="ZabConfig"/>).</summary>
    public void Tick()
    {
        _now++;
        _tick();
        DrainSelfNotifications();
    }

    /// <summary>
    /// The host's fsync finished: every log operation up to and including <paramref name="sequence"/> is durable.
    /// </summary>
    public void LogPersisted(long sequence)
    {
        bool advanced = false;
        while (_unpersistedAppends.Count > 0 && _unpersistedAppends.Peek().Seq <= sequence)
        {
            long zxid = _unpersistedAppends.Dequeue().Zxid;
            if (zxid > _persistedZxid)
            {
                _persistedZxid = zxid;
                advanced = true;
            }
        }

        if (!advanced)
        {
            return;
        }

        switch (State)
        {
            case ServerState.Leading:
                OnLeaderLogPersisted();
                break;
            case ServerState.Following or ServerState.Observing:
                FlushAcks();
                break;
        }

        DeliverCommitted();
    }

    /// <summary>The host's quorum connection to <paramref name="peer"/> broke (or was replaced by a new one).</summary>
    public void ConnectionLost(long peer)
    {
        switch (State)
        {
            case ServerState.Leading:
                if (_learners.TryGetValue(peer, out var handler))
                {
                    RemoveLearner(handler);
                }

                break;
            case ServerState.Following or ServerState.Observing when peer == LeaderId:
                OnLeaderConnectionLost();
                break;
        }

        DrainSelfNotifications();
    }

    // ---- transitions (QuorumPeer.setPeerState) -------------------------------------------------------------

    private void BecomeLooking(string reason)
    {
        LeaveRole();
        SetRole(ServerState.Looking, ZabPhase.Election, null);
        _stepQuorum = StepLooking;
        _tick = TickLooking;
        StartElection(reason);
    }

    private void BecomeLeading()
    {
        LeaveRole();
        SetRole(ServerState.Leading, ZabPhase.Discovery, Id);
        _stepQuorum = StepLeader;
        _tick = TickLeader;
        StartLeading();
    }

    private void BecomeLearner(long leader)
    {
        LeaveRole();
        SetRole(IsObserver ? ServerState.Observing : ServerState.Following, ZabPhase.Discovery, leader);
        _stepQuorum = StepLearner;
        _tick = TickLearner;
        StartLearning(leader);
    }

    private void LeaveRole()
    {
        switch (State)
        {
            case ServerState.Leading:
                StopLeading();
                break;
            case ServerState.Following or ServerState.Observing:
                StopLearning();
                break;
        }
    }

    private void SetRole(ServerState state, ZabPhase phase, long? leader)
    {
        State = state;
        Phase = phase;
        LeaderId = leader;
        Emit(new RoleChanged(state, phase, leader, Epoch));
    }

    private void SetPhase(ZabPhase phase)
    {
        Phase = phase;
        Emit(new RoleChanged(State, phase, LeaderId, Epoch));
    }

    /// <summary>A LOOKING peer has no quorum port: a learner that connects early is refused and retries.</summary>
    private void StepLooking(QuorumMessage message)
    {
        if (message is LearnerInfo)
        {
            Send(message.From, new CloseConnection());
        }
    }

    // ---- output helpers ------------------------------------------------------------------------------------

    private void Send(long to, ZabMessage message) => _ready.Messages.Add(message with { From = Id, To = to });

    private void Emit(ZabEvent e) => _ready.Events.Add(e);

    private void Record(ZabTelemetry t) => _ready.Telemetry.Add(t with { Tick = _now });

    private void Violation(long peer, string reason) => Record(new ProtocolViolation(peer, reason));

    /// <summary>Changes acceptedEpoch/currentEpoch; the Ready carries them to disk before any message leaves.</summary>
    private void PersistEpochs(EpochState epochs)
    {
        _epochs = epochs;
        _ready.Epochs = epochs;
    }

    private void LogAppend(Txn txn)
    {
        long seq = _nextLogSequence++;
        _history.Append(txn);
        _ready.Log.Add(new AppendTxn(txn, seq));
        _unpersistedAppends.Enqueue((seq, txn.Zxid));
    }

    /// <summary>TRUNC: the host makes the truncation durable together with every earlier log write before it goes on,
    /// so what remains is on disk by the time anything later in this Ready leaves.</summary>
    private void LogTruncate(long zxid)
    {
        _history.TruncateAfter(zxid);
        _ready.Log.Add(new TruncateLog(zxid, _nextLogSequence++));
        _unpersistedAppends.Clear();
        _persistedZxid = zxid;
        _committedZxid = Math.Min(_committedZxid, zxid);
    }

    /// <summary>SNAP: state machine and log replaced by the leader's snapshot, durable before the host goes on.</summary>
    private void LogInstallSnapshot(long zxid, ReadOnlyMemory<byte> snapshot)
    {
        _history.Reset(zxid);
        _ready.Log.Add(new InstallSnapshot(zxid, snapshot, _nextLogSequence++));
        _unpersistedAppends.Clear();
        _persistedZxid = zxid;
        _committedZxid = zxid;
        _lastApplied = zxid;
    }

    /// <summary>
    /// Hands out committed transactions in zxid order. As in ZooKeeper (CommitProcessor), a peer applies what is
    /// committed even before its own fsync of it finished: committed means a quorum has it on disk, so this peer
    /// losing it in a crash loses nothing (its state machine restarts from its snapshot, and a client that saw it
    /// is refused by a server that is behind).
    /// </summary>
    private void DeliverCommitted()
    {
        long target = _committedZxid;
        if (target > _lastApplied)
        {
            for (int i = _history.FirstIndexAfter(_lastApplied); i < _history.Count; i++)
            {
                var txn = _history[i];
                if (txn.Zxid > target)
                {
                    break;
                }

                _ready.Committed.Add(new TxnCommitted(txn));
                _lastApplied = txn.Zxid;
            }
        }

        while (_syncCompletions.Count > 0 && _syncCompletions.Peek().RequiredZxid <= _lastApplied)
        {
            var (_, sessionId, cxid) = _syncCompletions.Dequeue();
            _ready.Committed.Add(new SyncCompleted(sessionId, cxid));
        }

        _history.TrimApplied(_lastApplied, _config.CommittedLogWindow);
    }
}
