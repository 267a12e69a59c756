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
    /// <summary>
    /// Starts serving read-only clients (QuorumPeer's LOOKING case starts the ReadOnlyZooKeeperServer once the
    /// grace period has passed without a leader). <see cref="StopServing"/> ends it, with its sessions.
    /// </summary>
    public void BecomeReadOnly()
    {
        Role = ProcessorRole.ReadOnly;
        StartLocalSessions(enabled: true);
    }

    /// <summary>The ops ReadOnlyRequestProcessor answers NOTREADONLY: every change, and sync, which needs a leader.</summary>
    private static bool IsRefusedWhenReadOnly(OpCode type) => type is OpCode.Sync or OpCode.Create or OpCode.Create2
        or OpCode.CreateTtl or OpCode.CreateContainer or OpCode.Delete or OpCode.DeleteContainer or OpCode.SetData
        or OpCode.Reconfig or OpCode.SetAcl or OpCode.Multi or OpCode.Check;

    /// <summary>ZooKeeperServer.processConnectRequest on a ReadOnlyZooKeeperServer.</summary>
    private void ReadOnlyConnect(IClientChannel channel, in ConnectRequest request, int timeout)
    {
        if (request.SessionId == 0)
        {
            CreateLocalSession(channel, timeout);
            return;
        }

        if (!IsLocalSession(request.SessionId) && Sessions.Get(request.SessionId) is not null)
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
        ResumeLocalSession(channel, request, timeout);
    }
}
