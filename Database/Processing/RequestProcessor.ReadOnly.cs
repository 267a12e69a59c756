using CoordAspire.Database.Sessions;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Processing;

// Read-only mode (ZooKeeper's ReadOnlyZooKeeperServer and ReadOnlyRequestProcessor, ZOOKEEPER-784): an ensemble
// member cut off from its quorum serves the clients that said they can be read-only (ConnectRequest.readOnly)
// from the tree as it last applied it, and answers every change with NOTREADONLY, until an election ends.
//
// Its sessions are local (ZOOKEEPER-3863, LocalSessionTracker): no leader can log a createSession, so they live
// in a tracker of their own, expire here without a transaction, and vanish when the mode ends. The sessions of the
// replicated state (the global ones) are left untouched — their expiry is the next leader's — and a client that
// tries to resume one here is refused (ReadOnlyZooKeeperServer.validateSession), since no leader can vouch for it.
public sealed partial class RequestProcessor
{
    private SessionTracker? _readOnlySessions;

    /// <summary>How many sessions are open in read-only mode (0 outside it).</summary>
    public int ReadOnlySessionCount => _readOnlySessions?.Count ?? 0;

    /// <summary>
    /// Starts serving read-only clients (QuorumPeer's LOOKING case starts the ReadOnlyZooKeeperServer once the
    /// grace period has passed without a leader). <see cref="StopServing"/> ends it, with its sessions.
    /// </summary>
    public void BecomeReadOnly()
    {
        Role = ProcessorRole.ReadOnly;
        _readOnlySessions = new SessionTracker(_settings.ServerId, _settings.TickTime, Now.ElapsedMs);
    }

    /// <summary>The ops ReadOnlyRequestProcessor answers NOTREADONLY: every change, and sync, which needs a leader.</summary>
    private static bool IsRefusedWhenReadOnly(OpCode type) => type is OpCode.Sync or OpCode.Create or OpCode.Create2
        or OpCode.CreateTtl or OpCode.CreateContainer or OpCode.Delete or OpCode.DeleteContainer or OpCode.SetData
        or OpCode.Reconfig or OpCode.SetAcl or OpCode.Multi or OpCode.Check;

    /// <summary>ZooKeeperServer.processConnectRequest on a ReadOnlyZooKeeperServer.</summary>
    private void ReadOnlyConnect(IClientChannel channel, in ConnectRequest request, int timeout)
    {
        var sessions = _readOnlySessions!;
        if (request.SessionId == 0)
        {
            // A local session: its id comes from the server's own sequence, so it never equals a global one this
            // server made before or makes after (Apache's read-only server starts a fresh sequence of the same form).
            long sessionId = Sessions.NextSessionId();
            channel.SessionId = sessionId;
            sessions.TrackSession(sessionId, timeout, Now.ElapsedMs);
            Log.ReadOnlySessionEstablished(_logger, sessionId, timeout);
            FinishSessionInit(channel, valid: true);
            return;
        }

        if (sessions.Get(request.SessionId) is null && Sessions.Get(request.SessionId) is not null)
        {
            Log.GlobalSessionRefused(_logger, request.SessionId);
            channel.Close("refusing global session reconnection in read-only mode");
            return;
        }

        // One of ours moving between connections; or unknown here (another server's local session, or gone):
        // the client is told it expired, as reopenSession tells it.
        if (_channelsBySession.TryGetValue(request.SessionId, out var previous) && !ReferenceEquals(previous, channel))
        {
            ConnectionClosed(previous);
            previous.Close("session resumed on another connection");
        }

        channel.SessionId = request.SessionId;
        bool valid = SessionTracker.CheckPassword(request.SessionId, request.Passwd)
            && sessions.TouchSession(request.SessionId, Now.ElapsedMs, timeout);
        FinishSessionInit(channel, valid);
    }

    /// <summary>A local session's closeSession: no transaction, the session is simply gone.</summary>
    private void ReadOnlyCloseSession(IClientChannel channel, in RequestHeader header)
    {
        _readOnlySessions!.RemoveSession(channel.SessionId);
        Log.ReadOnlySessionClosed(_logger, channel.SessionId);
        Send(channel, Reply(header.Xid));
        ConnectionClosed(channel);
        channel.Close("client closed its session");
    }

    /// <summary>Local sessions expire here, without a transaction (LocalSessionTracker).</summary>
    private void ExpireReadOnlySessions()
    {
        foreach (var session in _readOnlySessions!.PollExpired(Now.ElapsedMs))
        {
            _readOnlySessions.RemoveSession(session.Id);
            Log.ReadOnlySessionExpired(_logger, session.Id, session.Timeout);
            if (_channelsBySession.TryGetValue(session.Id, out var channel))
            {
                ConnectionClosed(channel);
                channel.Close("session expired");
            }
        }
    }
}
