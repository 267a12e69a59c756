using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

/// <summary>What the processor is in an ensemble; a standalone server stays <see cref="Standalone"/>.</summary>
public enum ProcessorRole
{
    /// <summary>No ensemble: transactions commit once on this server's disk (the standalone pipeline).</summary>
    Standalone,

    /// <summary>An ensemble member that is electing or synchronising: it serves no client.</summary>
    NotServing,

    /// <summary>The leader (LeaderZooKeeperServer): prepares every write, its own clients' and those learners
    /// forward, and applies and answers them as ZAB commits them, in zxid order.</summary>
    Leader,

    /// <summary>A follower or observer (FollowerZooKeeperServer, ObserverZooKeeperServer): serves reads, forwards
    /// writes and session changes to the leader, applies what the leader commits.</summary>
    Learner,

    /// <summary>An ensemble member without a quorum, in read-only mode (ReadOnlyZooKeeperServer): it serves reads
    /// to clients that allow it, from local sessions, and answers every change NOTREADONLY.</summary>
    ReadOnly,
}

/// <summary>A learner's way to its leader (Learner.request, validateSession and the session touches it pings).</summary>
public interface ILeaderLink
{
    /// <summary>Sends a request to the leader. False when the learner is not connected and synced.</summary>
    bool Forward(long sessionId, int cxid, OpCode type, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo, string? traceParent);

    /// <summary>Asks the leader whether a session that moved here is alive; the answer comes to
    /// <see cref="RequestProcessor.SessionRevalidated"/>.</summary>
    bool Revalidate(long sessionId, int timeout);

    /// <summary>Session activity, reported to the leader (which owns expiry) with the next ping.</summary>
    void TouchSession(long sessionId, int timeout);
}

/// <summary>The leader's way to learn that it still leads (ZabPeer.RequestLeadershipConfirmation): a sync of its
/// own clients is answered once the round returned here is confirmed (<see cref="RequestProcessor.LeadershipConfirmed"/>).</summary>
public interface ILeadershipCheck
{
    long RequestConfirmation();
}

// The ensemble roles. The standalone pipeline (prepare → log → apply) is split across the ensemble by ZAB: the
// leader prepares, the quorum logs, every member applies what is committed, in the same order.
public sealed partial class RequestProcessor
{
    private readonly Dictionary<long, Queue<LearnerWait>> _waitingBySession = [];
    private readonly Dictionary<long, IClientChannel> _revalidating = [];
    private ILeaderLink? _leader;
    private ILeadershipCheck? _leadership;
    private long _confirmedRound;
    private long _committedThrough;

    public ProcessorRole Role { get; private set; } = ProcessorRole.Standalone;

    /// <summary>
    /// Leaves the serving roles (election, a new leader, a lost quorum). Every request still waiting is dropped
    /// unanswered: the edge closes every client connection, so their clients see ConnectionLoss (never a false
    /// success) and retry elsewhere, as ZooKeeper's shutdown of a server that stops leading or following does.
    /// </summary>
    public void StopServing()
    {
        Role = ProcessorRole.NotServing;
        _leader = null;
        _leadership = null;
        _pending.Clear();
        _toLog.Clear();
        _pendingWritesBySession.Clear();
        _waitingBySession.Clear();
        _revalidating.Clear();
        _channelsBySession.Clear();
        StartLocalSessions(enabled: false);
        ResetStandalonePreparation();
    }

    /// <summary>
    /// Starts leading. Transactions are numbered by <paramref name="zxids"/>, the consensus core that orders them.
    /// Every known session gets a full timeout from now: the leader takes over expiry (Leader.lead →
    /// startSessionTracker).
    /// </summary>
    public void BecomeLeader(IZxidSource zxids, ILeadershipCheck? leadership = null)
    {
        Role = ProcessorRole.Leader;
        _leadership = leadership;
        _confirmedRound = 0;
        _committedThrough = Tree.LastProcessedZxid;
        _preparer.Reset();
        _preparer.Zxids = zxids;
        StartLocalSessions(_settings.LocalSessionsEnabled);
        foreach (var session in Sessions.All.ToArray())
        {
            Sessions.TouchSession(session.Id, Now.ElapsedMs);
        }

        _nextContainerCheck = Now.ElapsedMs + _settings.ContainerCheckIntervalMs;
    }

    /// <summary>Starts serving as a synced follower or observer.</summary>
    public void BecomeLearner(ILeaderLink leader)
    {
        Role = ProcessorRole.Learner;
        _leader = leader;
        StartLocalSessions(_settings.LocalSessionsEnabled);
    }

    // ---- leader ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Leader: the transactions up to <paramref name="zxid"/> are committed (a quorum has them on disk): apply and
    /// answer them, and the reads that waited behind them, in order.
    /// </summary>
    public void CommitThrough(long zxid)
    {
        _committedThrough = Math.Max(_committedThrough, zxid);
        while (_pending.TryPeek(out var pending))
        {
            if (pending.Txn is PreparedTxn txn)
            {
                if (txn.Header.Zxid > zxid)
                {
                    break;
                }

                _pending.Dequeue();
                ForgetPendingWrite(pending.Channel, txn.Header.ClientId);
                Complete(pending, txn);
            }
            else
            {
                if (pending.ConfirmationRound > _confirmedRound)
                {
                    break; // a sync: this leader must first hear that a quorum still follows it
                }

                _pending.Dequeue();
                ForgetPendingWrite(pending.Channel, pending.Channel!.SessionId);
                ProcessRead(pending.Channel!, pending.Header, pending.ReadBody);
            }
        }
    }

    /// <summary>
    /// Leader: a quorum echoed ping round <paramref name="round"/>, sent after every sync that asked for it arrived:
    /// this server still led then, so those syncs — and what waits behind them — may be answered.
    /// </summary>
    public void LeadershipConfirmed(long round)
    {
        if (Role != ProcessorRole.Leader || round <= _confirmedRound)
        {
            return;
        }

        _confirmedRound = round;
        CommitThrough(_committedThrough);
    }

    /// <summary>
    /// Leader: a sync of one of our own clients. ZooKeeper answers it at once, from this server's state; a leader
    /// deposed without knowing it yet (paused, cut off) would then hand the read behind it a value the new leader
    /// has overwritten. So it waits, in order with the session's other requests, for a quorum to confirm this
    /// server still leads (see ZabPeer.Leader.Confirmation.cs).
    /// </summary>
    private void EnqueueConfirmedSync(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body) =>
        EnqueueRead(channel, header, body, _leadership!.RequestConfirmation());

    /// <summary>
    /// Leader: a request a learner forwarded (LearnerHandler REQUEST → PrepRequestProcessor). Its transaction is
    /// proposed like our own clients'; the learner answers its client when the commit reaches it.
    /// </summary>
    public void ProcessForwarded(long sessionId, int cxid, OpCode type, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo, string? traceParent = null)
    {
        PreparedTxn prepared;
        switch (type)
        {
            case OpCode.CreateSession:
            {
                // The learner allocated the id (its server id is in the top byte); the body is the timeout.
                int timeout = body.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body) : _settings.MinSessionTimeout;
                Sessions.TrackSession(sessionId, timeout, Now.ElapsedMs);
                prepared = _preparer.PrepareCreateSession(sessionId, timeout, Now.WallMs);
                break;
            }

            case OpCode.CloseSession:
                prepared = _preparer.PrepareCloseSession(sessionId, cxid, Now.WallMs);
                break;
            default:
                // PrepRequestProcessor.checkSession: a request of a session that is gone fails as SESSIONEXPIRED,
                // still as a transaction, so that the learner's client hears of it in order. With local sessions,
                // one this leader does not know may be the sending server's own (LeaderSessionTracker.checkSession).
                prepared = Sessions.TouchSession(sessionId, Now.ElapsedMs) || _preparer.MayBeOtherServersLocalSession(sessionId)
                    ? _preparer.Prepare(sessionId, cxid, type, body, authInfo, Now.WallMs)
                    : _preparer.PrepareError(sessionId, cxid, type, ErrorCode.SessionExpired, Now.WallMs);
                break;
        }

        prepared = prepared with { TraceParent = traceParent };
        _toLog.Add(prepared);
        _pending.Enqueue(new PendingRequest(prepared, TxnPurpose.Forwarded, null, default, null));
    }

    /// <summary>Leader: a learner's ping reported activity on these sessions (LearnerHandler PING → touch).</summary>
    public void SessionsTouched(IEnumerable<(long SessionId, int Timeout)> touches)
    {
        foreach (var (sessionId, timeout) in touches)
        {
            Sessions.TouchSession(sessionId, Now.ElapsedMs, timeout);
        }
    }

    /// <summary>Leader: is a session that moved to a learner still alive (Leader.revalidateSession)?</summary>
    public bool RevalidateSession(long sessionId, int timeout) => Sessions.TouchSession(sessionId, Now.ElapsedMs, timeout);

    // ---- learner --------------------------------------------------------------------------------------------

    /// <summary>
    /// Learner: a transaction the leader committed (CommitProcessor on a follower). It is applied; if it is a
    /// request of one of our clients, that client is answered, then the reads it held back.
    /// </summary>
    public void ApplyCommitted(in TxnHeader header, TxnRecord? record)
    {
        var error = header.Type == OpCode.Error && record is ErrorTxn e ? e.Err : ErrorCode.Ok;
        var prepared = new PreparedTxn(header, record, error);
        long sessionId = header.ClientId;
        if (_waitingBySession.TryGetValue(sessionId, out var queue)
            && queue.TryPeek(out var head) && head.Kind != WaitKind.Read && head.Kind != WaitKind.Sync && head.Header.Xid == header.Cxid)
        {
            queue.Dequeue();
            var purpose = head.Kind switch
            {
                WaitKind.CreateSession => TxnPurpose.CreateSession,
                WaitKind.UpgradeSession => TxnPurpose.UpgradeSession,
                WaitKind.CloseSession => TxnPurpose.CloseSession,
                _ => TxnPurpose.ClientWrite,
            };
            if (head.Error != ErrorCode.Ok)
            {
                // Refused here before it went (an ephemeral of a local session, upgrading off): whatever the
                // leader made of it, the client hears this server's reason (FinalRequestProcessor rethrows it).
                Apply(prepared);
                Send(head.Channel, Reply(head.Header.Xid, head.Error));
            }
            else
            {
                Complete(new PendingRequest(prepared, purpose, head.Channel, head.Header, null), prepared);
            }

            ReleaseWaitingReads(sessionId, queue);
            return;
        }

        Apply(prepared);
        if (header.Type == OpCode.CloseSession && _channelsBySession.TryGetValue(sessionId, out var channel))
        {
            // The leader expired it (or its client closed it through another server): its connection here goes.
            ConnectionClosed(channel);
            channel.Close("session expired");
        }
    }

    /// <summary>Learner: the leader has answered a sync of ours and everything before it is applied here.</summary>
    public void SyncCompleted(long sessionId, int cxid)
    {
        if (_waitingBySession.TryGetValue(sessionId, out var queue) && queue.TryPeek(out var head)
            && head.Kind == WaitKind.Sync && head.Header.Xid == cxid)
        {
            queue.Dequeue();
            ProcessRead(head.Channel, head.Header, head.Body);
            ReleaseWaitingReads(sessionId, queue);
        }
    }

    /// <summary>Learner: the leader's answer for a session that reconnected here.</summary>
    public void SessionRevalidated(long sessionId, bool valid)
    {
        if (_revalidating.Remove(sessionId, out var channel))
        {
            FinishSessionInit(channel, valid);
        }
    }

    private void LearnerCreateSession(IClientChannel channel, int timeout)
    {
        long sessionId = Sessions.NextSessionId();
        channel.SessionId = sessionId;
        Span<byte> body = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body, timeout);
        if (!_leader!.Forward(sessionId, 0, OpCode.CreateSession, body, [], null))
        {
            channel.Close("not connected to the leader");
            return;
        }

        Wait(sessionId, new LearnerWait(WaitKind.CreateSession, channel, new RequestHeader(0, OpCode.CreateSession), null));
    }

    private void LearnerRevalidate(IClientChannel channel, int timeout)
    {
        if (!_leader!.Revalidate(channel.SessionId, timeout))
        {
            channel.Close("not connected to the leader");
            return;
        }

        if (_revalidating.Remove(channel.SessionId, out var earlier) && !ReferenceEquals(earlier, channel))
        {
            earlier.Close("session resumed on another connection");
        }

        _revalidating[channel.SessionId] = channel;
    }

    /// <summary>A write, closeSession or sync of one of our clients goes to the leader; its answer waits for the commit.</summary>
    private void LearnerForward(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body)
    {
        // FollowerRequestProcessor.processRequest → checkUpgradeSession: an ephemeral of a local session first
        // makes the session global; with upgrading off it still goes, and comes back as this server's refusal.
        var refusal = ErrorCode.Ok;
        if (NeedsGlobalSession(channel, header.Type, body))
        {
            if (!_settings.LocalSessionsUpgradingEnabled)
            {
                refusal = header.Type == OpCode.Multi ? ErrorCode.Ok : ErrorCode.EphemeralOnLocalSession;
            }
            else if (!UpgradeOnLearner(channel))
            {
                ConnectionClosed(channel);
                channel.Close("not connected to the leader");
                return;
            }
        }

        if (!_leader!.Forward(channel.SessionId, header.Xid, header.Type, body, channel.AuthInfo, channel.TraceParent))
        {
            ConnectionClosed(channel);
            channel.Close("not connected to the leader");
            return;
        }

        var kind = header.Type switch
        {
            OpCode.CloseSession => WaitKind.CloseSession,
            OpCode.Sync => WaitKind.Sync,
            _ => WaitKind.Write,
        };
        Wait(channel.SessionId, new LearnerWait(kind, channel, header, kind == WaitKind.Sync ? body.ToArray() : null, refusal));
    }

    /// <summary>A read must follow the session's writes in flight (and see them): it waits behind them.</summary>
    private bool LearnerMustWait(IClientChannel channel) => _waitingBySession.ContainsKey(channel.SessionId);

    private void LearnerWaitRead(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body) =>
        Wait(channel.SessionId, new LearnerWait(WaitKind.Read, channel, header, body.ToArray()));

    private void Wait(long sessionId, LearnerWait wait)
    {
        if (!_waitingBySession.TryGetValue(sessionId, out var queue))
        {
            _waitingBySession[sessionId] = queue = new Queue<LearnerWait>();
        }

        queue.Enqueue(wait);
    }

    private void ReleaseWaitingReads(long sessionId, Queue<LearnerWait> queue)
    {
        while (queue.TryPeek(out var next) && next.Kind == WaitKind.Read)
        {
            queue.Dequeue();
            ProcessRead(next.Channel, next.Header, next.Body);
        }

        if (queue.Count == 0)
        {
            _waitingBySession.Remove(sessionId);
        }
    }

    private enum WaitKind : byte
    {
        Write,
        CreateSession,
        UpgradeSession,
        CloseSession,
        Sync,
        Read,
    }

    /// <summary>
    /// A learner's client request waiting for the leader: a forwarded write or sync, or a read behind one.
    /// <paramref name="Error"/>, when set, is the answer whatever the commit says.
    /// </summary>
    private readonly record struct LearnerWait(WaitKind Kind, IClientChannel Channel, RequestHeader Header, byte[]? Body, ErrorCode Error = ErrorCode.Ok);
}
