namespace CoordAspire.Zab;

/// <summary>
/// Everything a peer asks of its host since the last <see cref="ZabPeer.TakeReady"/>. The host handles one Ready
/// in this order (each step's rule is what the core's safety depends on):
/// <list type="number">
/// <item><see cref="Epochs"/>: write and fsync acceptedEpoch/currentEpoch before anything else of this Ready.</item>
/// <item><see cref="Log"/>, in order: <see cref="TruncateLog"/> and <see cref="InstallSnapshot"/> must be
/// durable before the host goes on; <see cref="AppendTxn"/> may be written and fsynced in the background (group
/// commit): report each fsync with <see cref="ZabPeer.LogPersisted"/> and the sequence of the last append it
/// covered. Log operations reach the disk in order.</item>
/// <item><see cref="Committed"/>: apply to the state machine in order and answer the waiting clients.</item>
/// <item><see cref="Messages"/>: send in order (per destination the order matters; fill <see cref="Snap"/>
/// packets from the state machine, which step 3 has brought up to date; <see cref="CloseConnection"/> closes).</item>
/// <item><see cref="Events"/> and <see cref="Telemetry"/>: any time.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    /// <summary>Epochs to persist, or null when unchanged.</summary>
    public EpochState? Epochs { get; internal set; }

    public List<LogOp> Log { get; } = [];

    public List<CommittedItem> Committed { get; } = [];

    public List<ZabMessage> Messages { get; } = [];

    public List<ZabEvent> Events { get; } = [];

    public List<ZabTelemetry> Telemetry { get; } = [];

    public bool IsEmpty =>
        Epochs is null && Log.Count == 0 && Committed.Count == 0 && Messages.Count == 0 && Events.Count == 0
        && Telemetry.Count == 0;
}

/// <summary>
/// A change to the peer's transaction log. <see cref="Sequence"/> numbers the log operations of one peer instance
/// in order; <see cref="ZabPeer.LogPersisted"/> reports durability by sequence, not by zxid, because after a TRUNC
/// the leader may send the same zxids again and an fsync report for the old append must not vouch for the new one.
/// </summary>
public abstract record LogOp(long Sequence);

/// <summary>Append this proposal to the log (the fsync may complete later: then report LogPersisted(Sequence)).</summary>
public sealed record AppendTxn(Txn Txn, long Sequence) : LogOp(Sequence);

/// <summary>Drop every log entry after <see cref="Zxid"/> (TRUNC). Durable, together with every earlier log
/// operation, before the host continues.</summary>
public sealed record TruncateLog(long Zxid, long Sequence) : LogOp(Sequence);

/// <summary>Replace state machine and log with this snapshot (SNAP): the log restarts empty after
/// <see cref="Zxid"/>. Durable before the host continues.</summary>
public sealed record InstallSnapshot(long Zxid, ReadOnlyMemory<byte> Snapshot, long Sequence) : LogOp(Sequence);

/// <summary>Something to apply, in order.</summary>
public abstract record CommittedItem;

/// <summary>A committed transaction: apply it (DataTree.processTxn) and answer its client if it is waiting here.</summary>
public sealed record TxnCommitted(Txn Txn) : CommittedItem;

/// <summary>A forwarded sync finished: everything committed before it has been handed out above, so the host may
/// answer this session's sync (FollowerZooKeeperServer.sync).</summary>
public sealed record SyncCompleted(long SessionId, int Cxid) : CommittedItem;

/// <summary>Things the host acts on that are not disk or network.</summary>
public abstract record ZabEvent;

/// <summary>The peer's role or phase changed. The host serves clients only in <see cref="ZabPhase.Broadcast"/>;
/// leaving it, it fails every request that is still waiting (ConnectionLoss, never a false success) and drops
/// its client connections as ZooKeeper does.</summary>
public sealed record RoleChanged(ServerState State, ZabPhase Phase, long? LeaderId, long Epoch) : ZabEvent;

/// <summary>The leader got a forwarded write: prepare it (request → txn, numbered by <see cref="ZabPeer.AssignZxid"/>)
/// and <see cref="ZabPeer.TryPropose"/> it.</summary>
public sealed record RequestReceived(long LearnerId, Request Request) : ZabEvent;

/// <summary>The leader got a learner's forwarded sync: answer it with <see cref="ZabPeer.AnswerSync"/> in its place
/// among the requests — after proposing those received before it (<see cref="RequestReceived"/>), before proposing
/// those after it.</summary>
public sealed record SyncRequested(long LearnerId) : ZabEvent;

/// <summary>The leader's ping round <see cref="Round"/> (and every earlier one) was echoed by a quorum: the syncs of
/// its own clients that asked for it (<see cref="ZabPeer.RequestLeadershipConfirmation"/>) may be answered.</summary>
public sealed record LeadershipConfirmed(long Round) : ZabEvent;

/// <summary>The leader got session activity from a learner's ping: touch these sessions (the leader owns expiry).</summary>
public sealed record SessionsTouched(long LearnerId, IReadOnlyList<SessionTouch> Touches) : ZabEvent;

/// <summary>The leader is asked whether a session that moved to this learner is still valid; answer with
/// <see cref="ZabPeer.AnswerRevalidate"/>.</summary>
public sealed record RevalidateRequested(long LearnerId, long SessionId, int Timeout) : ZabEvent;

/// <summary>The learner got the leader's answer for a session it asked about with <see cref="ZabPeer.Revalidate"/>.</summary>
public sealed record SessionRevalidated(long SessionId, bool Valid) : ZabEvent;
