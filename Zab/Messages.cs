namespace CoordAspire.Zab;

/// <summary>Which of ZooKeeper's two server-to-server ports a message travels on.</summary>
public enum Channel
{
    /// <summary>The election port (QuorumCnxManager): notifications may be lost, repeated or reordered.</summary>
    Election,

    /// <summary>
    /// The quorum port: one TCP connection between a learner and its leader. The core relies on it being FIFO
    /// and lossless until it breaks; the host reports a break with <see cref="ZabPeer.ConnectionLost"/> and
    /// closes it when asked with <see cref="CloseConnection"/>.
    /// </summary>
    Quorum,
}

/// <summary>A message between two peers. The core fills <see cref="From"/> and <see cref="To"/> on the way out;
/// the host must set <see cref="From"/> to the sender's id on the way in.</summary>
public abstract record ZabMessage
{
    public long From { get; init; }

    public long To { get; init; }

    public abstract Channel Channel { get; }
}

/// <summary>A fast-leader-election notification (the election port's layout: state, leader, zxid,
/// electionEpoch, peerEpoch).</summary>
public sealed record Notification(ServerState State, long Leader, long Zxid, long ElectionEpoch, long PeerEpoch)
    : ZabMessage
{
    public override Channel Channel => Channel.Election;

    public Vote Vote => new(Leader, Zxid, ElectionEpoch, PeerEpoch);
}

/// <summary>A QuorumPacket on the leader–learner connection.</summary>
public abstract record QuorumMessage : ZabMessage
{
    public override Channel Channel => Channel.Quorum;

    /// <summary>The packet type on ZooKeeper's wire, or null for the core's own transport instructions.</summary>
    public abstract PacketType? Type { get; }
}

/// <summary>Not a packet: tells the host to close its quorum connection to <see cref="ZabMessage.To"/> now, after
/// sending whatever came before it (the leader dropping a learner; a learner leaving its leader).</summary>
public sealed record CloseConnection : QuorumMessage
{
    public override PacketType? Type => null;
}

/// <summary>FOLLOWERINFO / OBSERVERINFO: a learner registers. The packet's zxid is (acceptedEpoch, 0); its data is
/// a LearnerInfo record (serverid, protocolVersion 0x10000, configVersion).</summary>
public sealed record LearnerInfo(long AcceptedEpoch, bool IsObserver, int ProtocolVersion = 0x10000, long ConfigVersion = 0)
    : QuorumMessage
{
    public override PacketType? Type => IsObserver ? PacketType.ObserverInfo : PacketType.FollowerInfo;
}

/// <summary>LEADERINFO: the epoch the leader proposes (zxid (newEpoch, 0)) and its protocol version.</summary>
public sealed record LeaderInfo(long NewEpoch, int ProtocolVersion = 0x10000) : QuorumMessage
{
    public override PacketType? Type => PacketType.LeaderInfo;
}

/// <summary>ACKEPOCH: the learner's currentEpoch (-1 when it had already accepted this epoch and so does not count
/// as an acknowledgement) and, as the packet zxid, its last logged zxid.</summary>
public sealed record AckEpoch(long CurrentEpoch, long LastLoggedZxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.AckEpoch;
}

/// <summary>DIFF: the learner's log is a prefix of the leader's history; what follows are the missing entries.</summary>
public sealed record Diff(long Zxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.Diff;
}

/// <summary>TRUNC: drop every logged entry after <see cref="Zxid"/>, then take what follows.</summary>
public sealed record Trunc(long Zxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.Trunc;
}

/// <summary>
/// SNAP: replace the state machine and log with the leader's snapshot. The core emits it with
/// <see cref="Snapshot"/> empty and <see cref="Zxid"/> the leader's applied zxid at that moment; the host fills
/// both with its state machine's serialized snapshot and the zxid it reflects when it sends the packet (never
/// older than the core's, because the host applies a Ready's commits before sending its messages). Entries the
/// snapshot already covers are skipped by the learner.
/// </summary>
public sealed record Snap(long Zxid, ReadOnlyMemory<byte> Snapshot) : QuorumMessage
{
    public override PacketType? Type => PacketType.Snap;
}

/// <summary>PROPOSAL: a transaction to log (and, once logged, acknowledge).</summary>
public sealed record Proposal(Txn Txn) : QuorumMessage
{
    public override PacketType? Type => PacketType.Proposal;
}

/// <summary>ACK: the sender has the proposal with this zxid (and everything before it) on disk; with zxid
/// (epoch, 0) it acknowledges NEWLEADER.</summary>
public sealed record Ack(long Zxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.Ack;
}

/// <summary>COMMIT: the proposal with this zxid (and so everything before it) is committed.</summary>
public sealed record Commit(long Zxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.Commit;
}

/// <summary>INFORM: a committed transaction, for observers (which never see PROPOSALs).</summary>
public sealed record Inform(Txn Txn) : QuorumMessage
{
    public override PacketType? Type => PacketType.Inform;
}

/// <summary>NEWLEADER: the end of the synchronisation stream, zxid (newEpoch, 0).</summary>
public sealed record NewLeader(long Zxid) : QuorumMessage
{
    public override PacketType? Type => PacketType.NewLeader;
}

/// <summary>UPTODATE: a quorum has the new history; the learner may commit it and start serving.</summary>
public sealed record UpToDate : QuorumMessage
{
    public override PacketType? Type => PacketType.UpToDate;
}

/// <summary>A session a learner has seen activity on since its last ping, and that session's timeout.</summary>
public readonly record struct SessionTouch(long SessionId, int Timeout);

/// <summary>PING: the leader's heartbeat (zxid = last proposed); the learner echoes it with the sessions it
/// touched since the last one (pairs of sessionId and timeout in the data).</summary>
public sealed record Ping(long Zxid, IReadOnlyList<SessionTouch> Touches) : QuorumMessage
{
    public override PacketType? Type => PacketType.Ping;
}

/// <summary>REQUEST: a client request forwarded by a learner (sessionId, cxid, type, then the request body).</summary>
public sealed record Request(long SessionId, int Cxid, int OpCode, ReadOnlyMemory<byte> Body) : QuorumMessage
{
    /// <summary>ZooDefs.OpCode.sync: handled by the core itself (the leader answers with SYNC).</summary>
    public const int SyncOpCode = 9;

    public override PacketType? Type => PacketType.Request;

    public bool IsSync => OpCode == SyncOpCode;

    /// <summary>The identities of the client's connection (the QuorumPacket's authinfo, as Learner.request sends
    /// them): the leader checks ACLs against them when it prepares the transaction.</summary>
    public IReadOnlyList<AuthId> AuthInfo { get; init; } = [];

    /// <summary>The trace context of the learner's request span (travels in authinfo as scheme "traceparent").</summary>
    public ReadOnlyMemory<byte> TraceContext { get; init; }
}

/// <summary>An authenticated identity (ZooKeeper's Id record: scheme and id) as carried in a QuorumPacket's authinfo.</summary>
public readonly record struct AuthId(string Scheme, string Id);

/// <summary>REVALIDATE from a learner: a client with this session reconnected to it (data: sessionId, timeout).</summary>
public sealed record Revalidate(long SessionId, int Timeout) : QuorumMessage
{
    public override PacketType? Type => PacketType.Revalidate;
}

/// <summary>REVALIDATE from the leader: whether the session is still alive (data: sessionId, valid).</summary>
public sealed record RevalidateReply(long SessionId, bool Valid) : QuorumMessage
{
    public override PacketType? Type => PacketType.Revalidate;
}

/// <summary>SYNC: everything the leader had proposed when the learner's sync request reached it is committed.</summary>
public sealed record Sync : QuorumMessage
{
    public override PacketType? Type => PacketType.Sync;
}
