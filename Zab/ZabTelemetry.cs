namespace CoordAspire.Zab;

/// <summary>
/// What the Node turns into OpenTelemetry spans and metrics. <see cref="Tick"/> is the peer's tick count when it
/// happened; the Node stamps wall-clock time as it drains them.
/// </summary>
public abstract record ZabTelemetry
{
    public long Tick { get; init; }
}

/// <summary>The peer went LOOKING and starts a round with this vote for itself.</summary>
public sealed record ElectionStarted(long ElectionEpoch, Vote Vote, string Reason) : ZabTelemetry;

/// <summary>A notification arrived during an election.</summary>
public sealed record NotificationReceived(long From, ServerState SenderState, Vote Vote) : ZabTelemetry;

/// <summary>The election ended: who leads, in which round, the proposed epoch and zxid, how long it took.</summary>
public sealed record ElectionFinished(long Leader, long ElectionEpoch, long PeerEpoch, long Zxid, long DurationTicks, ServerState NewState)
    : ZabTelemetry;

/// <summary>The leader has its new epoch acknowledged and its history on a quorum: it starts broadcasting.</summary>
public sealed record LeaderEstablished(long Epoch, long HistoryZxid, long DurationTicks) : ZabTelemetry;

/// <summary>The leader chose how to sync a learner.</summary>
public sealed record LearnerSyncStarted(long LearnerId, SyncMode Mode, long LearnerZxid, long SyncZxid) : ZabTelemetry;

/// <summary>A learner finished synchronising (it got UPTODATE) and serves.</summary>
public sealed record LearnerSynced(long LeaderId, long Epoch, long LastLoggedZxid) : ZabTelemetry;

/// <summary>The leader created a proposal (start of the proposal span).</summary>
public sealed record ProposalCreated(long Zxid, ReadOnlyMemory<byte> TraceContext) : ZabTelemetry;

/// <summary>A learner received a proposal (start of its log/ack span, child of the proposal's trace context).</summary>
public sealed record ProposalReceived(long Zxid, ReadOnlyMemory<byte> TraceContext) : ZabTelemetry;

/// <summary>A learner sent its ACK (the proposal is on its disk).</summary>
public sealed record AckSent(long Zxid) : ZabTelemetry;

/// <summary>The leader counted an ACK (its own too, once its log write is durable).</summary>
public sealed record AckReceived(long Zxid, long From) : ZabTelemetry;

/// <summary>A quorum acknowledged the proposal and everything before it committed.</summary>
public sealed record ProposalCommitted(long Zxid, long LatencyTicks, ReadOnlyMemory<byte> TraceContext) : ZabTelemetry;

/// <summary>A leader gave up leadership.</summary>
public sealed record SteppedDown(long Epoch, string Reason) : ZabTelemetry;

/// <summary>A peer got a packet that breaks the protocol (closes the connection; never happens over a correct
/// transport, so the simulator fails on it).</summary>
public sealed record ProtocolViolation(long Peer, string Reason) : ZabTelemetry;
