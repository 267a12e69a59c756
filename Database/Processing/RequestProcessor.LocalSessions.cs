using System.Buffers.Binary;
using CoordAspire.Database.Sessions;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Processing;

// Local sessions (ZOOKEEPER-1147: localSessionsEnabled, localSessionsUpgradingEnabled; UpgradeableSessionTracker,
// LeaderSessionTracker, LearnerSessionTracker, LocalSessionTracker). A local session lives on the one server that
// made it: no createSession or closeSession transaction, no replication, expiry decided here. So connecting is as
// cheap as a read, but the session cannot move: another server does not know it, and the leader's revalidation
// answers that it expired. Its writes still go through the leader, which lets an unknown session write when its id
// says another server made it. An ephemeral needs a global session: the session is upgraded first (a createSession
// transaction, the client none the wiser), or, with upgrading off, the create fails with EPHEMERALONLOCALSESSION.
//
// A read-only server's sessions are the same kind of thing (ReadOnlyZooKeeperServer uses a LocalSessionTracker),
// so both use one tracker. Every role change ends them, as Apache's new ZooKeeperServer per role ends them.
public sealed partial class RequestProcessor
{
    private readonly HashSet<long> _upgrading = [];
    private SessionTracker? _localSessions;

    /// <summary>How many local sessions this server holds (zk_local_sessions): read-only ones, or those of
    /// <c>localSessionsEnabled</c>.</summary>
    public int LocalSessionCount => _localSessions?.Count ?? 0;

    /// <summary>Whether a session is one of this server's local sessions.</summary>
    public bool IsLocalSession(long sessionId) => _localSessions?.Get(sessionId) is not null;

    /// <summary>A fresh tracker of local sessions for a role that serves them, none otherwise.</summary>
    private void StartLocalSessions(bool enabled)
    {
        _localSessions = enabled ? new SessionTracker(_settings.ServerId, _settings.TickTime, Now.ElapsedMs) : null;
        _upgrading.Clear();
        _preparer.LocalSessions = Role == ProcessorRole.Leader ? _localSessions : null;
        _preparer.OtherServersHaveLocalSessions = Role == ProcessorRole.Leader && enabled;
    }

    /// <summary>A new session that stays on this server: the client is answered now, nothing is logged.</summary>
    private void CreateLocalSession(IClientChannel channel, int timeout)
    {
        // The id comes from the server's own sequence, so it never equals a global one this server made.
        long sessionId = Sessions.NextSessionId();
        channel.SessionId = sessionId;
        _localSessions!.TrackSession(sessionId, timeout, Now.ElapsedMs);
        Log.LocalSessionEstablished(_logger, sessionId, timeout, Role == ProcessorRole.ReadOnly ? "read-only" : "local");
        FinishSessionInit(channel, valid: true);
    }

    /// <summary>A local session's client back on a new connection to this server (ZooKeeperServer.revalidateSession).</summary>
    private void ResumeLocalSession(IClientChannel channel, in ConnectRequest request, int timeout)
    {
        bool valid = SessionTracker.CheckPassword(request.SessionId, request.Passwd)
            && _localSessions!.TouchSession(request.SessionId, Now.ElapsedMs, timeout);
        FinishSessionInit(channel, valid);
    }

    /// <summary>
    /// Every request keeps its session alive: a local one here; a global one in the replicated tracker (whose
    /// leader expires it), or one being upgraded, which is in neither until its createSession commits.
    /// </summary>
    private bool TouchClientSession(long sessionId)
    {
        if (_localSessions?.TouchSession(sessionId, Now.ElapsedMs) == true)
        {
            return true;
        }

        return Role != ProcessorRole.ReadOnly && (Sessions.TouchSession(sessionId, Now.ElapsedMs) || _upgrading.Contains(sessionId));
    }

    /// <summary>
    /// A local session's closeSession: no transaction. Like a read it changes nothing replicated, and like a read it
    /// is answered after the session's writes in flight, so it waits behind them in the same queue.
    /// </summary>
    private void ProcessLocalCloseSession(IClientChannel channel, in RequestHeader header) => ProcessReadInOrder(channel, header, default);

    private void CloseLocalSession(IClientChannel channel, in RequestHeader header)
    {
        _localSessions?.RemoveSession(channel.SessionId);
        Log.LocalSessionClosed(_logger, channel.SessionId);
        Send(channel, Reply(header.Xid));
        ConnectionClosed(channel);
        channel.Close("client closed its session");
    }

    /// <summary>Local sessions expire here, without a transaction (LocalSessionTracker).</summary>
    private void ExpireLocalSessions()
    {
        foreach (var session in _localSessions!.PollExpired(Now.ElapsedMs))
        {
            _localSessions.RemoveSession(session.Id);
            Log.LocalSessionExpired(_logger, session.Id, session.Timeout);
            if (_channelsBySession.TryGetValue(session.Id, out var channel))
            {
                ConnectionClosed(channel);
                channel.Close("session expired");
            }
        }
    }

    /// <summary>
    /// QuorumZooKeeperServer.checkUpgradeSession: does this request of a local session need a global one? Only a
    /// create (or a multi with a create) of an ephemeral node does; a body that does not parse needs none here (the
    /// preparer reports it).
    /// </summary>
    private bool NeedsGlobalSession(IClientChannel channel, OpCode type, ReadOnlySpan<byte> body)
    {
        if (type is not (OpCode.Create or OpCode.Create2 or OpCode.Multi) || !IsLocalSession(channel.SessionId))
        {
            return false;
        }

        try
        {
            if (type != OpCode.Multi)
            {
                var reader = new JuteReader(body);
                return ((CreateMode)CreateRequest.Read(ref reader).Flags).IsEphemeral();
            }

            foreach (var op in MultiRequest.Read(body))
            {
                if (op.Type is OpCode.Create or OpCode.Create2)
                {
                    var reader = new JuteReader(op.Body.Span);
                    if (((CreateMode)CreateRequest.Read(ref reader).Flags).IsEphemeral())
                    {
                        return true;
                    }
                }
            }
        }
        catch (JuteException)
        {
        }

        return false;
    }

    /// <summary>
    /// Leader: one of our local sessions becomes global before its ephemeral create (makeUpgradeRequest). It is
    /// tracked as global at once, so the create prepared right after it finds it; the createSession transaction
    /// before the create makes it every member's.
    /// </summary>
    private void UpgradeOnLeader(IClientChannel channel)
    {
        var session = _localSessions!.Get(channel.SessionId)!;
        _localSessions.RemoveSession(session.Id);
        Sessions.TrackSession(session.Id, session.Timeout, Now.ElapsedMs);
        Log.UpgradingSession(_logger, session.Id);
        Enqueue(_preparer.PrepareCreateSession(session.Id, session.Timeout, Now.WallMs), TxnPurpose.UpgradeSession, channel, default);
    }

    /// <summary>
    /// Learner: the upgrade is a createSession forwarded ahead of the create (cxid 0, as Apache's), waited for in
    /// the session's queue like its writes. Until it commits the session is neither local nor global here.
    /// </summary>
    private bool UpgradeOnLearner(IClientChannel channel)
    {
        var session = _localSessions!.Get(channel.SessionId)!;
        _localSessions.RemoveSession(session.Id);
        _upgrading.Add(session.Id);
        Log.UpgradingSession(_logger, session.Id);
        Span<byte> body = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(body, session.Timeout);
        if (!_leader!.Forward(session.Id, 0, OpCode.CreateSession, body, [], null))
        {
            return false;
        }

        Wait(session.Id, new LearnerWait(WaitKind.UpgradeSession, channel, new RequestHeader(0, OpCode.CreateSession), null));
        return true;
    }

    /// <summary>A createSession was applied: an upgrade is over (commitSession drops the local copy, if any).</summary>
    private void GlobalSessionCommitted(long sessionId)
    {
        _upgrading.Remove(sessionId);
        _localSessions?.RemoveSession(sessionId);
    }
}
