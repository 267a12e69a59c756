using System.Diagnostics;
using CoordAspire.Database;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using CoordAspire.Server.Host;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Server.Replication;

/// <summary>
/// The host of one <see cref="ZabPeer"/> (QuorumPeer's role loop, with the I/O the core leaves out): it feeds the
/// core what arrives from the peers and the clock, and carries out each <see cref="Ready"/> in the order the core's
/// safety depends on — epochs to disk, log writes, commits applied to the tree, messages sent, role changes — with
/// one fsync per loop iteration for every proposal logged in it (group commit: a follower's ACKs, and the leader's
/// own vote, leave only after that fsync).
/// </summary>
/// <remarks>
/// Everything here runs on the request loop's thread, like the <see cref="RequestProcessor"/> it drives, so the
/// tree, the sessions and the core change in one order; the transports and the tick timer only post work. It sees
/// its disk, its peers and its loop only through <see cref="IReplicatedLog"/>, <see cref="IPeerTransport"/> and
/// <see cref="IWorkQueue"/>, so the same host runs over files and sockets in the Node and over simulated ones.
/// </remarks>
public sealed partial class EnsembleMember : IBatchCommitter, ILeaderLink, ILeadershipCheck, IZxidSource, IDisposable
{
    private readonly ZabPeer _peer;
    private readonly RequestProcessor _processor;
    private readonly IWorkQueue _loop;
    private readonly IReplicatedLog _durable;
    private readonly IPeerTransport _peers;
    private readonly Func<(long Zxid, ReadOnlyMemory<byte> Body)> _serializeSnapshot;
    private readonly Action<string> _closeClientConnections;
    private readonly ZabTracing _tracing;
    private readonly ILogger _logger;
    private readonly Protocol.Buffers.PooledBufferWriter _txnBuffer = new();
    private long _lastAppendSequence;
    private bool _appendsUnsynced;
    private bool _failed;
    private volatile NodeMode _mode = NodeMode.Looking;
    private volatile bool _serving;
    private volatile bool _readOnly;
    private readonly TickWork _tick;
    private readonly ReadOnlyModeTimer? _readOnlyTimer;

    public EnsembleMember(
        ZabPeer peer,
        RequestProcessor processor,
        IWorkQueue loop,
        IReplicatedLog durable,
        IPeerTransport peers,
        Func<(long Zxid, ReadOnlyMemory<byte> Body)> serializeSnapshot,
        Action<string> closeClientConnections,
        int coreTickMs,
        ReadOnlyModeTimer? readOnlyTimer,
        ILogger logger)
    {
        _peer = peer;
        _processor = processor;
        _loop = loop;
        _durable = durable;
        _peers = peers;
        _serializeSnapshot = serializeSnapshot;
        _closeClientConnections = closeClientConnections;
        _logger = logger;
        _tracing = new ZabTracing(peer.Id, coreTickMs, logger);
        _tick = new TickWork(this);
        _readOnlyTimer = readOnlyTimer;
        _readOnlyTimer?.Looking();
        processor.StopServing();
    }

    public long Id => _peer.Id;

    /// <summary>What <c>srvr</c> prints (read from any thread).</summary>
    public NodeMode Mode => _mode;

    /// <summary>True while this member serves clients: a leader or synced learner in the broadcast phase.</summary>
    public bool IsServing => _serving;

    /// <summary>True while this member, cut off from its quorum, serves read-only clients (ReadOnlyZooKeeperServer).</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The peer, for queries run on the loop (the leader id, the epoch, the zxids).</summary>
    public ZabPeer Peer => _peer;

    public void Dispose() => _txnBuffer.Dispose();

    // ---- inputs, from any thread ------------------------------------------------------------------------------

    public void Received(ZabMessage message) => _loop.Post(new StepWork(this, message));

    public void ConnectionLost(long peer) => _loop.Post(new ConnectionLostWork(this, peer));

    public void PostTick() => _loop.Post(_tick);

    // ---- IBatchCommitter: after each batch of the loop --------------------------------------------------------

    public void AfterBatch()
    {
        if (_failed)
        {
            return;
        }

        try
        {
            ProposePrepared();
            Drain();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            Fail(e);
        }
    }

    // ---- ILeaderLink: the processor (as a learner) reaches the leader through the core ----------------------

    bool ILeaderLink.Forward(long sessionId, int cxid, OpCode type, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo, string? traceParent)
    {
        var identities = new AuthId[authInfo.Count];
        for (int i = 0; i < identities.Length; i++)
        {
            identities[i] = new AuthId(authInfo[i].Scheme, authInfo[i].Ident);
        }

        return _peer.Forward(new Request(sessionId, cxid, (int)type, body.ToArray())
        {
            AuthInfo = identities,
            TraceContext = traceParent is null ? default : System.Text.Encoding.ASCII.GetBytes(traceParent),
        });
    }

    bool ILeaderLink.Revalidate(long sessionId, int timeout) => _peer.Revalidate(sessionId, timeout);

    void ILeaderLink.TouchSession(long sessionId, int timeout) => _peer.TouchSession(sessionId, timeout);

    // ---- ILeadershipCheck: the processor (as the leader) asks the core whether it still leads ----------------

    long ILeadershipCheck.RequestConfirmation() => _peer.RequestLeadershipConfirmation();

    // ---- IZxidSource: the processor (as the leader) numbers its transactions with the core's zxids ------------

    long IZxidSource.NextZxid() => _peer.AssignZxid();

    // ---- carrying out the core's output -----------------------------------------------------------------------

    /// <summary>
    /// Handles Ready after Ready until the core is quiet: a Ready's appends are fsynced (once, whatever their number)
    /// after its messages left, so the leader's PROPOSALs reach the followers while its own disk writes them.
    /// </summary>
    private void Drain()
    {
        while (true)
        {
            if (_peer.HasReady)
            {
                Handle(_peer.TakeReady());
                ProposePrepared();
                continue;
            }

            if (_appendsUnsynced)
            {
                long started = Stopwatch.GetTimestamp();
                _durable.SyncProposals();
                _tracing.RecordFsync(Stopwatch.GetElapsedTime(started));
                _appendsUnsynced = false;
                _peer.LogPersisted(_lastAppendSequence);
                continue;
            }

            return;
        }
    }

    private void Handle(Ready ready)
    {
        // 1. Epochs before anything else of this Ready can leave (the ACKEPOCH and NEWLEADER ack promise them).
        if (ready.Epochs is { } epochs)
        {
            _durable.SaveEpochs(epochs);
        }

        // 2. The log, in order. TRUNC and SNAP are durable before we go on; appends are fsynced in Drain.
        foreach (var op in ready.Log)
        {
            switch (op)
            {
                case AppendTxn append:
                    _durable.AppendProposal(append.Txn);
                    _lastAppendSequence = append.Sequence;
                    _appendsUnsynced = true;
                    break;
                case TruncateLog truncate:
                    _durable.TruncateAfter(truncate.Zxid);
                    _appendsUnsynced = false;
                    Log.Truncated(_logger, truncate.Zxid);
                    break;
                case InstallSnapshot install:
                    _durable.InstallSnapshot(install.Zxid, install.Snapshot.Span, _processor);
                    _appendsUnsynced = false;
                    break;
            }
        }

        // 3. Commits, applied in zxid order, and the clients waiting for them answered.
        foreach (var item in ready.Committed)
        {
            switch (item)
            {
                case TxnCommitted committed:
                    ApplyCommitted(committed.Txn);
                    break;
                case SyncCompleted sync:
                    _processor.SyncCompleted(sync.SessionId, sync.Cxid);
                    break;
            }
        }

        // 4. Messages, in order; a SNAP carries the tree as it is now, which step 3 brought up to date.
        foreach (var message in ready.Messages)
        {
            switch (message)
            {
                case Notification notification:
                    _peers.Send(notification);
                    break;
                case Snap snap:
                {
                    var (zxid, body) = _serializeSnapshot();
                    _peers.Send(snap with { Zxid = zxid, Snapshot = body });
                    break;
                }

                case QuorumMessage quorum:
                    _peers.Send(quorum);
                    break;
            }
        }

        // 5. Role changes and requests for the state machine.
        foreach (var e in ready.Events)
        {
            HandleEvent(e);
        }

        foreach (var t in ready.Telemetry)
        {
            _tracing.Record(t);
        }
    }

    private void ApplyCommitted(Txn txn)
    {
        if (_processor.Role == ProcessorRole.Leader)
        {
            // Our own proposal: the processor holds it, prepared, with the client waiting for it.
            _processor.CommitThrough(txn.Zxid);
            return;
        }

        var (header, record) = TxnCodec.Read(txn.Data.Span);
        _processor.ApplyCommitted(header, record);
    }

    private void HandleEvent(ZabEvent e)
    {
        switch (e)
        {
            case RoleChanged role:
                ChangeRole(role);
                break;
            case RequestReceived received when _processor.Role == ProcessorRole.Leader:
            {
                var request = received.Request;
                var authInfo = new List<Id>(request.AuthInfo.Count);
                foreach (var id in request.AuthInfo)
                {
                    authInfo.Add(new Id(id.Scheme, id.Id));
                }

                string? traceParent = request.TraceContext.IsEmpty ? null : System.Text.Encoding.ASCII.GetString(request.TraceContext.Span);
                _processor.ProcessForwarded(request.SessionId, request.Cxid, (OpCode)request.OpCode, request.Body.Span, authInfo, traceParent);
                break;
            }

            case SyncRequested sync:
                // In its place among the requests (ZooKeeper's sync goes down the leader's pipeline with them): what
                // was forwarded before it is proposed first, and the sync waits for that, not for what came after.
                // An Apache follower matches the SYNCs and COMMITs it gets against the order it forwarded them in
                // (CommitProcessor): a sync answered after a later write's COMMIT answers the wrong client request.
                ProposePrepared();
                _peer.AnswerSync(sync.LearnerId);
                break;
            case LeadershipConfirmed confirmed when _processor.Role == ProcessorRole.Leader:
                _processor.LeadershipConfirmed(confirmed.Round);
                break;
            case SessionsTouched touched when _processor.Role == ProcessorRole.Leader:
                foreach (var touch in touched.Touches)
                {
                    _processor.SessionsTouched([(touch.SessionId, touch.Timeout)]);
                }

                break;
            case RevalidateRequested revalidate when _processor.Role == ProcessorRole.Leader:
                _peer.AnswerRevalidate(revalidate.LearnerId, revalidate.SessionId, _processor.RevalidateSession(revalidate.SessionId, revalidate.Timeout));
                break;
            case SessionRevalidated revalidated:
                _processor.SessionRevalidated(revalidated.SessionId, revalidated.Valid);
                break;
        }
    }

    /// <summary>
    /// QuorumPeer.setPeerState and the ZooKeeperServer each role starts: clients are served only in the broadcast
    /// phase; leaving it drops every client connection (they reconnect elsewhere, and what was waiting here gets
    /// ConnectionLoss, never a false success).
    /// </summary>
    private void ChangeRole(RoleChanged role)
    {
        var mode = role.State switch
        {
            ServerState.Leading => NodeMode.Leader,
            ServerState.Following => NodeMode.Follower,
            ServerState.Observing => NodeMode.Observer,
            _ => NodeMode.Looking,
        };
        bool serving = role.Phase == ZabPhase.Broadcast;
        if (role.State != ServerState.Looking && role.Phase == ZabPhase.Discovery)
        {
            _peers.ElectionEnded();
        }

        if (role.State == ServerState.Looking)
        {
            _readOnlyTimer?.Looking();
        }
        else
        {
            _readOnlyTimer?.ElectionEnded();
        }

        // Still looking, a read-only server goes on serving; an election that ends shuts it down (QuorumPeer.run's
        // finally after lookForLeader), before this member syncs with its new leader.
        bool keepReadOnly = _readOnly && role.State == ServerState.Looking;
        if (!serving && _processor.Role != ProcessorRole.NotServing && !keepReadOnly)
        {
            _processor.StopServing();
            _closeClientConnections("the server left the " + _mode.ToZooKeeperName() + " role");
        }

        if (serving)
        {
            if (role.State == ServerState.Leading)
            {
                _processor.BecomeLeader(this, this);
            }
            else
            {
                _processor.BecomeLearner(this);
            }
        }

        Log.RoleChanged(_logger, role.State, role.Phase, role.LeaderId ?? -1, role.Epoch, _peer.LastLoggedZxid);
        _readOnly = keepReadOnly;
        _mode = keepReadOnly ? NodeMode.ReadOnly : serving || role.State != ServerState.Looking ? mode : NodeMode.Looking;
        _serving = serving;
    }

    /// <summary>
    /// QuorumPeer's LOOKING case with <c>readonlymode.enabled</c>: once the member has looked for a leader for the
    /// whole grace period, it is taken to be partitioned from its quorum and serves read-only clients.
    /// </summary>
    private void MaybeBecomeReadOnly()
    {
        if (_readOnlyTimer is not { } timer || _failed || _readOnly || _processor.Role != ProcessorRole.NotServing || !timer.IsDue())
        {
            return;
        }

        _processor.BecomeReadOnly();
        _readOnly = true;
        _mode = NodeMode.ReadOnly;
        Log.ReadOnlyStarted(_logger, timer.GracePeriod.TotalMilliseconds, _processor.Tree.LastProcessedZxid);
    }

    /// <summary>Leader.propose for everything the processor prepared since the last call.</summary>
    private void ProposePrepared()
    {
        if (_processor.Role != ProcessorRole.Leader || _processor.PendingCount == 0)
        {
            return;
        }

        foreach (var prepared in _processor.TakeTxnsToLog())
        {
            _txnBuffer.Truncate(0);
            TxnCodec.Write(new Protocol.Jute.JuteWriter(_txnBuffer), prepared.Header, prepared.Record);
            var proposal = _tracing.StartProposal(prepared.Header.Zxid, prepared.Header.Type, prepared.TraceParent);
            long zxid = prepared.Header.Zxid; // the core's own number (IZxidSource), proposed in the order given
            if (!_peer.TryPropose(zxid, _txnBuffer.WrittenSpan.ToArray(), proposal.TraceContext))
            {
                // Leadership ended inside this batch: the RoleChanged that follows drops the waiting clients.
                _tracing.Abandon(proposal);
                return;
            }

            _tracing.Proposed(zxid, proposal, _txnBuffer.WrittenSpan.Length);
        }
    }

    /// <summary>
    /// The disk refused a write: this member can no longer promise anything it acknowledges, so it leaves the
    /// ensemble (ZooKeeper exits); the others elect a leader among themselves.
    /// </summary>
    private void Fail(Exception e)
    {
        _failed = true;
        _serving = false;
        _readOnly = false;
        _mode = NodeMode.Looking;
        Log.DiskFailed(_logger, e);
        _processor.StopServing();
        _closeClientConnections("the server's disk failed: " + e.Message);
    }

    private sealed class StepWork(EnsembleMember member, ZabMessage message) : ILoopWork
    {
        public void Run()
        {
            if (!member._failed)
            {
                member._peer.Step(message);
            }
        }
    }

    private sealed class ConnectionLostWork(EnsembleMember member, long peer) : ILoopWork
    {
        public void Run()
        {
            if (!member._failed)
            {
                member._peer.ConnectionLost(peer);
            }
        }
    }

    private sealed class TickWork(EnsembleMember member) : ILoopWork
    {
        public void Run()
        {
            if (!member._failed)
            {
                member._peer.Tick();
                member.MaybeBecomeReadOnly();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "{State} ({Phase}), leader {LeaderId}, epoch {Epoch}, last logged zxid {Zxid}")]
        public static partial void RoleChanged(ILogger logger, ServerState state, ZabPhase phase, long leaderId, long epoch, HexField zxid);

        [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Log truncated after zxid {Zxid} at the leader's request")]
        public static partial void Truncated(ILogger logger, HexField zxid);

        [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Read-only server started: no leader for {GraceMs} ms; serving read-only clients at zxid {Zxid}")]
        public static partial void ReadOnlyStarted(ILogger logger, double graceMs, HexField zxid);

        [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "The transaction log or snapshot failed; this server leaves the ensemble until restarted")]
        public static partial void DiskFailed(ILogger logger, Exception exception);
    }
}
