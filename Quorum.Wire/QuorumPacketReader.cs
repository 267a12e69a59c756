using System.Buffers.Binary;
using CoordAspire.Protocol.Jute;
using CoordAspire.Zab;
using ZabTxn = CoordAspire.Zab.Txn;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// Decodes one QuorumPacket (as cut by <see cref="QuorumPacketFraming"/>) into the Zab message it carries: the
/// inverse of <see cref="QuorumPacketWriter"/>, and as lenient as 3.8's readers are where they are lenient (a
/// LearnerInfo may be short, LearnerHandler.run reads what is there; PING data with no touches may be null).
/// </summary>
/// <remarks>
/// Payloads that outlive the packet (a txn, a request body, a trace context) are copied out of the span; the rest
/// allocate only the message. A SNAP decodes to a <see cref="Snap"/> with an empty snapshot: the body follows the
/// packet on the connection and is read by <see cref="SnapshotBodyScanner"/>. COMMITANDACTIVATE and
/// INFORMANDACTIVATE (dynamic reconfiguration) are not supported and read as malformed.
/// </remarks>
public static class QuorumPacketReader
{
    /// <summary>
    /// Decodes <paramref name="packet"/>, which must be exactly one packet, into a message from
    /// <paramref name="from"/> to <paramref name="to"/> (set here rather than copied in afterwards: a record's
    /// <c>with</c> would allocate a second message per packet). A <see cref="LearnerInfo"/> comes from the serverid
    /// its record names, whatever <paramref name="from"/> says: it is what names an accepted connection's peer.
    /// </summary>
    /// <exception cref="JuteException">The packet is malformed, or has a type this direction cannot carry.</exception>
    public static QuorumMessage Read(ReadOnlySpan<byte> packet, PacketDirection direction, long from = 0, long to = 0)
    {
        var reader = new JuteReader(packet);
        int type = reader.ReadInt();
        long zxid = reader.ReadLong();
        int dataLength = reader.ReadInt();
        if (dataLength < -1 || dataLength > reader.Remaining)
        {
            throw new JuteException($"data length {dataLength} exceeds the {reader.Remaining} bytes left in the packet");
        }

        var data = dataLength < 0 ? default : reader.RemainingSpan[..dataLength];
        bool hasData = dataLength >= 0;
        reader.Skip(Math.Max(dataLength, 0));
        var authInfo = new AuthInfoView(ref reader);
        if (!reader.End)
        {
            throw new JuteException($"{reader.Remaining} bytes after the packet's authinfo");
        }

        return (PacketType)type switch
        {
            PacketType.FollowerInfo => ReadLearnerInfo(zxid, data, hasData, isObserver: false, to),
            PacketType.ObserverInfo => ReadLearnerInfo(zxid, data, hasData, isObserver: true, to),
            PacketType.LeaderInfo => new LeaderInfo(Zab.Zxid.EpochOf(zxid), Int(data, "LEADERINFO protocol version")) { From = from, To = to },
            PacketType.AckEpoch => new AckEpoch(Int(data, "ACKEPOCH epoch"), zxid) { From = from, To = to },
            PacketType.Diff => new Diff(zxid) { From = from, To = to },
            PacketType.Trunc => new Trunc(zxid) { From = from, To = to },
            PacketType.Snap => new Snap(zxid, ReadOnlyMemory<byte>.Empty) { From = from, To = to },
            PacketType.Proposal => new Proposal(ReadTxn(zxid, data, authInfo, packet)) { From = from, To = to },
            PacketType.Ack => new Ack(zxid) { From = from, To = to },
            PacketType.Commit => new Commit(zxid) { From = from, To = to },
            PacketType.Inform => new Inform(ReadTxn(zxid, data, authInfo, packet)) { From = from, To = to },
            PacketType.NewLeader => new NewLeader(zxid) { From = from, To = to },
            PacketType.UpToDate => new UpToDate { From = from, To = to },
            PacketType.Ping when direction == PacketDirection.FromLeader => new Ping(zxid, []) { From = from, To = to },
            PacketType.Ping => new Ping(zxid, ReadTouches(data)) { From = from, To = to },
            PacketType.Request => ReadRequest(data, authInfo, packet, from, to),
            PacketType.Revalidate when direction == PacketDirection.FromLearner => ReadRevalidate(data, from, to),
            PacketType.Revalidate => ReadRevalidateReply(data, from, to),
            PacketType.Sync => new Sync { From = from, To = to },
            _ => throw new JuteException($"unsupported quorum packet type {type}"),
        };
    }

    /// <summary>LearnerHandler.run: serverid if at least 8 bytes, protocolVersion if 12 (else 0x1, a pre-1.0 learner),
    /// configVersion if 20. Without a serverid ZooKeeper makes one up for an observer; we cannot name such a peer.</summary>
    private static LearnerInfo ReadLearnerInfo(long zxid, ReadOnlySpan<byte> data, bool hasData, bool isObserver, long to)
    {
        if (!hasData || data.Length < 8)
        {
            throw new JuteException($"{(isObserver ? "OBSERVERINFO" : "FOLLOWERINFO")} without a server id ({data.Length} bytes of LearnerInfo)");
        }

        long sid = BinaryPrimitives.ReadInt64BigEndian(data);
        int protocolVersion = data.Length >= 12 ? BinaryPrimitives.ReadInt32BigEndian(data[8..]) : 0x1;
        long configVersion = data.Length >= 20 ? BinaryPrimitives.ReadInt64BigEndian(data[12..]) : 0;
        return new LearnerInfo(Zab.Zxid.EpochOf(zxid), isObserver, protocolVersion, configVersion) { From = sid, To = to };
    }

    private static ZabTxn ReadTxn(long zxid, ReadOnlySpan<byte> data, AuthInfoView authInfo, ReadOnlySpan<byte> packet) =>
        new(zxid, data.ToArray(), authInfo.TraceContext(packet));

    /// <summary>Learner.ping's reply data: (long sessionId, int timeout) pairs to its end (LearnerHandler reads while
    /// bytes are available, so a torn pair is an EOF: the connection fails).</summary>
    private static SessionTouch[] ReadTouches(ReadOnlySpan<byte> data)
    {
        if (data.Length % 12 != 0)
        {
            throw new JuteException($"PING data of {data.Length} bytes is not a list of (sessionId, timeout) pairs");
        }

        var touches = new SessionTouch[data.Length / 12];
        for (int i = 0; i < touches.Length; i++)
        {
            var pair = data.Slice(i * 12, 12);
            touches[i] = new SessionTouch(BinaryPrimitives.ReadInt64BigEndian(pair), BinaryPrimitives.ReadInt32BigEndian(pair[8..]));
        }

        return touches;
    }

    /// <summary>LearnerHandler.run: sessionId, cxid, type, and the rest is the request record. The trace context is
    /// taken out of the authinfo; the other identities are the client's, for the leader's ACL checks.</summary>
    private static Request ReadRequest(ReadOnlySpan<byte> data, AuthInfoView authInfo, ReadOnlySpan<byte> packet, long from, long to)
    {
        if (data.Length < 16)
        {
            throw new JuteException($"REQUEST data of {data.Length} bytes has no sessionId, cxid and type");
        }

        return new Request(
            BinaryPrimitives.ReadInt64BigEndian(data),
            BinaryPrimitives.ReadInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadInt32BigEndian(data[12..]),
            data[16..].ToArray())
        {
            AuthInfo = authInfo.Identities(packet),
            TraceContext = authInfo.TraceContext(packet),
            From = from,
            To = to,
        };
    }

    private static Revalidate ReadRevalidate(ReadOnlySpan<byte> data, long from, long to)
    {
        if (data.Length < 12)
        {
            throw new JuteException($"REVALIDATE data of {data.Length} bytes has no sessionId and timeout");
        }

        return new Revalidate(BinaryPrimitives.ReadInt64BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[8..])) { From = from, To = to };
    }

    private static RevalidateReply ReadRevalidateReply(ReadOnlySpan<byte> data, long from, long to)
    {
        if (data.Length < 9)
        {
            throw new JuteException($"REVALIDATE reply data of {data.Length} bytes has no sessionId and validity");
        }

        return new RevalidateReply(BinaryPrimitives.ReadInt64BigEndian(data), data[8] != 0) { From = from, To = to };
    }

    private static int Int(ReadOnlySpan<byte> data, string what) =>
        data.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(data) : throw new JuteException($"{what} missing ({data.Length} bytes of data)");

    /// <summary>
    /// Where the authinfo vector lies in the packet (offset and count), so that reading it allocates only what a
    /// message keeps: nothing for the packets without one, the trace context bytes, a REQUEST's identities.
    /// </summary>
    private readonly struct AuthInfoView
    {
        private readonly int _offset;
        private readonly int _count;

        public AuthInfoView(ref JuteReader reader)
        {
            _count = reader.ReadVectorCount();
            _offset = reader.Position;
            for (int i = 0; i < _count; i++)
            {
                reader.ReadBufferSpan(); // scheme
                reader.ReadBufferSpan(); // id
            }
        }

        public ReadOnlyMemory<byte> TraceContext(ReadOnlySpan<byte> packet)
        {
            var reader = Start(packet);
            for (int i = 0; i < _count; i++)
            {
                var scheme = reader.ReadBufferSpan();
                var id = reader.ReadBufferSpan();
                if (scheme.SequenceEqual(TraceParentAuth.SchemeUtf8))
                {
                    return id.ToArray();
                }
            }

            return default;
        }

        public IReadOnlyList<AuthId> Identities(ReadOnlySpan<byte> packet)
        {
            if (_count <= 0)
            {
                return [];
            }

            var reader = Start(packet);
            var ids = new List<AuthId>(_count);
            for (int i = 0; i < _count; i++)
            {
                var scheme = reader.ReadBufferSpan();
                var id = reader.ReadBufferSpan();
                if (!scheme.SequenceEqual(TraceParentAuth.SchemeUtf8))
                {
                    ids.Add(new AuthId(ModifiedUtf8.Decode(scheme), ModifiedUtf8.Decode(id)));
                }
            }

            return ids;
        }

        private JuteReader Start(ReadOnlySpan<byte> packet)
        {
            var reader = new JuteReader(packet);
            reader.Skip(_offset);
            return reader;
        }
    }
}
