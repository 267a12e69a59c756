using System.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Zab;
using ZabTxn = CoordAspire.Zab.Txn;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// Encodes Zab messages as the QuorumPackets Apache ZooKeeper 3.8 writes for them, byte for byte, straight into a
/// buffer writer (no intermediate packet or data array, so PROPOSAL, ACK and COMMIT allocate nothing). Per type,
/// the zxid and data are what 3.8's code puts there:
/// <code>
/// FOLLOWERINFO/OBSERVERINFO zxid (acceptedEpoch, 0)  data LearnerInfo { long serverid; int protocolVersion; long configVersion }  Learner.registerWithLeader
/// LEADERINFO   zxid (newEpoch, 0)      data int protocolVersion (0x10000)                      LearnerHandler.run
/// ACKEPOCH     zxid lastLoggedZxid     data int currentEpoch (-1: epoch already accepted)      Learner.registerWithLeader
/// DIFF, TRUNC  zxid                    no data                                                 LearnerHandler.queueOpPacket
/// SNAP         zxid (db's last processed) no data; then the snapshot body raw, then the string "BenWasHere"
/// PROPOSAL     zxid                    data the txn (TxnHeader + record [+ digest])            Leader.propose
/// ACK, COMMIT  zxid                    no data                                                 SendAckRequestProcessor, Leader.commit
/// INFORM       zxid                    data the txn                                            Leader.inform
/// NEWLEADER    zxid (newEpoch, 0)      data the leader's QuorumVerifier text                   LearnerHandler.run
/// UPTODATE     zxid -1                 no data                                                 LearnerHandler.run
/// PING leader  zxid last proposed      no data                                                 LearnerHandler.ping
/// PING learner zxid echoed             data n × { long sessionId; int timeout } (empty, not null, when n = 0)  Learner.ping
/// REQUEST      zxid -1                 data long sessionId, int cxid, int type, request body   Learner.request
/// REVALIDATE   zxid -1                 learner: long sessionId, int timeout; leader: long sessionId, boolean valid
/// SYNC         zxid 0                  no data                                                 Leader.sendSync
/// </code>
/// authinfo is null (count -1) everywhere except REQUEST, which carries the client's identities; the trace context
/// rides in authinfo as <see cref="TraceParentAuth"/> (PROPOSAL, INFORM, REQUEST).
/// </summary>
public static class QuorumPacketWriter
{
    /// <summary>LearnerHandler.run reads a 1.0 learner's protocol version from here and answers with LEADERINFO.</summary>
    public const int LearnerInfoSize = 20;

    /// <summary>
    /// Writes <paramref name="message"/> as the bytes that go on the quorum connection.
    /// </summary>
    /// <param name="direction">Who writes it: decides the layout of PING.</param>
    /// <param name="quorumVerifier">NEWLEADER's data: the leader's configuration text
    /// (<see cref="QuorumVerifierText"/>); ZooKeeper's learners adopt it as the last seen configuration.</param>
    /// <exception cref="ArgumentException"><see cref="CloseConnection"/> or another message that is no packet.</exception>
    public static void Write(QuorumMessage message, PacketDirection direction, IBufferWriter<byte> output, ReadOnlySpan<byte> quorumVerifier = default)
    {
        var writer = new JuteWriter(output);
        switch (message)
        {
            case LearnerInfo info:
                Header(writer, info.IsObserver ? PacketType.ObserverInfo : PacketType.FollowerInfo, Zab.Zxid.Make(info.AcceptedEpoch, 0));
                writer.WriteInt(LearnerInfoSize);
                writer.WriteLong(info.From);
                writer.WriteInt(info.ProtocolVersion);
                writer.WriteLong(info.ConfigVersion);
                NoAuthInfo(writer);
                break;
            case LeaderInfo info:
                Header(writer, PacketType.LeaderInfo, Zab.Zxid.Make(info.NewEpoch, 0));
                writer.WriteInt(4);
                writer.WriteInt(info.ProtocolVersion);
                NoAuthInfo(writer);
                break;
            case AckEpoch ack:
                Header(writer, PacketType.AckEpoch, ack.LastLoggedZxid);
                writer.WriteInt(4);
                writer.WriteInt((int)ack.CurrentEpoch);
                NoAuthInfo(writer);
                break;
            case Diff diff:
                Empty(writer, PacketType.Diff, diff.Zxid);
                break;
            case Trunc trunc:
                Empty(writer, PacketType.Trunc, trunc.Zxid);
                break;
            case Snap snap:
                Empty(writer, PacketType.Snap, snap.Zxid);
                writer.WriteRaw(snap.Snapshot.Span);
                writer.WriteString(SnapshotTransfer.Signature);
                break;
            case Proposal proposal:
                WithTxn(writer, PacketType.Proposal, proposal.Txn);
                break;
            case Ack ack:
                Empty(writer, PacketType.Ack, ack.Zxid);
                break;
            case Commit commit:
                Empty(writer, PacketType.Commit, commit.Zxid);
                break;
            case Inform inform:
                WithTxn(writer, PacketType.Inform, inform.Txn);
                break;
            case NewLeader newLeader:
                Header(writer, PacketType.NewLeader, newLeader.Zxid);
                writer.WriteBuffer(quorumVerifier);
                NoAuthInfo(writer);
                break;
            case UpToDate:
                Empty(writer, PacketType.UpToDate, -1);
                break;
            case Ping ping:
                WritePing(writer, ping, direction);
                break;
            case Request request:
                WriteRequest(writer, request);
                break;
            case Revalidate revalidate:
                Header(writer, PacketType.Revalidate, -1);
                writer.WriteInt(12);
                writer.WriteLong(revalidate.SessionId);
                writer.WriteInt(revalidate.Timeout);
                NoAuthInfo(writer);
                break;
            case RevalidateReply reply:
                Header(writer, PacketType.Revalidate, -1);
                writer.WriteInt(9);
                writer.WriteLong(reply.SessionId);
                writer.WriteBool(reply.Valid);
                NoAuthInfo(writer);
                break;
            case Sync:
                Empty(writer, PacketType.Sync, 0);
                break;
            default:
                throw new ArgumentException($"{message.GetType().Name} is not a quorum packet", nameof(message));
        }
    }

    private static void WritePing(in JuteWriter writer, Ping ping, PacketDirection direction)
    {
        if (direction == PacketDirection.FromLeader)
        {
            Empty(writer, PacketType.Ping, ping.Zxid);
            return;
        }

        // Learner.ping: the reply echoes the leader's zxid with the touch table as data (a DataOutputStream of
        // long, int pairs: an empty array when nothing was touched).
        Header(writer, PacketType.Ping, ping.Zxid);
        writer.WriteInt(ping.Touches.Count * 12);
        foreach (var touch in ping.Touches)
        {
            writer.WriteLong(touch.SessionId);
            writer.WriteInt(touch.Timeout);
        }

        NoAuthInfo(writer);
    }

    private static void WriteRequest(in JuteWriter writer, Request request)
    {
        Header(writer, PacketType.Request, -1);
        var body = request.Body.Span;
        writer.WriteInt(16 + body.Length);
        writer.WriteLong(request.SessionId);
        writer.WriteInt(request.Cxid);
        writer.WriteInt(request.OpCode);
        writer.WriteRaw(body);

        // Learner.request forwards request.authInfo: the connection's identities, never null.
        bool traced = !request.TraceContext.IsEmpty;
        writer.WriteInt(request.AuthInfo.Count + (traced ? 1 : 0));
        foreach (var id in request.AuthInfo)
        {
            writer.WriteString(id.Scheme);
            writer.WriteString(id.Id);
        }

        if (traced)
        {
            WriteTraceParent(writer, request.TraceContext.Span);
        }
    }

    private static void WithTxn(in JuteWriter writer, PacketType type, ZabTxn txn)
    {
        Header(writer, type, txn.Zxid);
        writer.WriteBuffer(txn.Data.Span);
        if (txn.TraceContext.IsEmpty)
        {
            NoAuthInfo(writer);
            return;
        }

        writer.WriteInt(1);
        WriteTraceParent(writer, txn.TraceContext.Span);
    }

    /// <summary>An Id { scheme "traceparent", id the traceparent text }; a jute string is a length and UTF-8 bytes, so
    /// the context's bytes are written as they are.</summary>
    private static void WriteTraceParent(in JuteWriter writer, ReadOnlySpan<byte> traceContext)
    {
        writer.WriteBuffer(TraceParentAuth.SchemeUtf8);
        writer.WriteBuffer(traceContext);
    }

    private static void Header(in JuteWriter writer, PacketType type, long zxid)
    {
        writer.WriteInt((int)type);
        writer.WriteLong(zxid);
    }

    /// <summary>A packet with null data and null authinfo: type, zxid, -1, -1.</summary>
    private static void Empty(in JuteWriter writer, PacketType type, long zxid)
    {
        Header(writer, type, zxid);
        writer.WriteInt(-1);
        writer.WriteInt(-1);
    }

    private static void NoAuthInfo(in JuteWriter writer) => writer.WriteInt(-1);
}
