using System.Buffers;
using System.Buffers.Binary;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Protocol.Jute;
using CoordAspire.Zab;
using static CoordAspire.Quorum.Wire.Tests.QuorumWireSamples;

namespace CoordAspire.Quorum.Wire.Tests;

/// <summary>QuorumPacket encoding and decoding: byte for byte what Apache ZooKeeper 3.8 writes, and back.</summary>
public sealed class QuorumPacketCodecTests
{
    public static TheoryData<string> PacketNames() => new(Packets().Select(p => p.Name));

    [JavaFact]
    public async Task Every_packet_is_byte_for_byte_what_ZooKeeper_writes()
    {
        var golden = await QuorumGoldenProgram.PacketsAsync();
        var mismatches = new List<string>();
        foreach (var (name, message, direction) in Packets())
        {
            var ours = Hex(Encode(message, direction));
            if (ours != golden[name])
            {
                mismatches.Add($"{name}\n  zk:   {golden[name]}\n  ours: {ours}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [JavaFact]
    public async Task LearnerInfo_record_and_QuorumVerifier_text_match_ZooKeeper()
    {
        var golden = await QuorumGoldenProgram.PacketsAsync();
        var follower = Encode(new LearnerInfo(5, false, 0x10000, 0x100000000) { From = 3 }, PacketDirection.FromLearner);
        Assert.Equal(golden["LearnerInfo"], Hex(follower.AsSpan(16, QuorumPacketWriter.LearnerInfoSize)));
        Assert.Equal(golden["QuorumVerifier"], Hex(QuorumVerifier));
        Assert.Equal(golden["SnapHeader"], Hex(Encode(new Snap(0x500000009, ReadOnlyMemory<byte>.Empty), PacketDirection.FromLeader).AsSpan(0, 20)));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_packet_reads_back_as_the_message_that_wrote_it(string name)
    {
        var (_, message, direction) = Packets().Single(p => p.Name == name);
        var bytes = Encode(message, direction);
        Assert.True(QuorumPacketFraming.TryMeasure(new ReadOnlySequence<byte>(bytes), QuorumPacketFraming.DefaultMaxBuffer, out int length));
        Assert.Equal(bytes.Length, length);

        var read = QuorumPacketReader.Read(bytes, direction);
        Assert.Equal(message.GetType(), read.GetType());
        Assert.Equal(Hex(bytes), Hex(Encode(read with { From = message.From }, direction)));
    }

    [Fact]
    public void A_packet_is_measured_only_once_all_of_it_has_arrived()
    {
        var bytes = Encode(Packets().Single(p => p.Name == "RequestTraced").Message, PacketDirection.FromLearner);
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.False(QuorumPacketFraming.TryMeasure(new ReadOnlySequence<byte>(bytes, 0, i), QuorumPacketFraming.DefaultMaxBuffer, out _));
        }

        // Split over segments, with the next packet behind it.
        var two = bytes.Concat(bytes).ToArray();
        Assert.True(QuorumPacketFraming.TryMeasure(Segments(two, 3), QuorumPacketFraming.DefaultMaxBuffer, out int length));
        Assert.Equal(bytes.Length, length);
    }

    [Theory]
    [InlineData("00000002 0000000000000001 7fffffff", "data length")]
    [InlineData("00000002 0000000000000001 fffffffe", "data length")]
    [InlineData("00000002 0000000000000001 ffffffff 7fffffff", "authinfo count")]
    [InlineData("00000002 0000000000000001 ffffffff 00000001 00200000", "authinfo scheme")]
    public void Lengths_no_packet_may_have_are_refused_before_their_bytes_are_awaited(string hex, string what)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var e = Assert.Throws<JuteException>(() => QuorumPacketFraming.TryMeasure(new ReadOnlySequence<byte>(bytes), QuorumPacketFraming.DefaultMaxBuffer, out _));
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearnerInfo_names_its_server_and_may_be_short_as_LearnerHandler_allows()
    {
        var full = (LearnerInfo)QuorumPacketReader.Read(Encode(new LearnerInfo(5, false, 0x10000, 7) { From = 3 }, PacketDirection.FromLearner), PacketDirection.FromLearner);
        Assert.Equal((3L, 5L, false, 0x10000, 7L), (full.From, full.AcceptedEpoch, full.IsObserver, full.ProtocolVersion, full.ConfigVersion));

        // A pre-1.0 learner sends only its sid: LearnerHandler keeps version 0x1 and no config version.
        var old = (LearnerInfo)QuorumPacketReader.Read(Packet(PacketType.ObserverInfo, 0x200000000, Long(9)), PacketDirection.FromLearner);
        Assert.Equal((9L, 2L, true, 0x1, 0L), (old.From, old.AcceptedEpoch, old.IsObserver, old.ProtocolVersion, old.ConfigVersion));

        Assert.Throws<JuteException>(() => QuorumPacketReader.Read(Packet(PacketType.FollowerInfo, 0, null), PacketDirection.FromLearner));
        Assert.Throws<JuteException>(() => QuorumPacketReader.Read(Packet(PacketType.FollowerInfo, 0, [0, 0, 0, 3]), PacketDirection.FromLearner));
    }

    [Fact]
    public void Ping_and_Revalidate_read_by_direction()
    {
        var touches = Encode(new Ping(0x600000004, [new(0x11, 3000)]), PacketDirection.FromLearner);
        var fromLearner = (Ping)QuorumPacketReader.Read(touches, PacketDirection.FromLearner);
        Assert.Equal([new SessionTouch(0x11, 3000)], fromLearner.Touches);
        Assert.Equal(0x600000004, fromLearner.Zxid);

        // A leader's PING has no data; if one came with some, a learner (Learner.ping) would not look at it.
        Assert.Empty(((Ping)QuorumPacketReader.Read(touches, PacketDirection.FromLeader)).Touches);
        Assert.Throws<JuteException>(() => QuorumPacketReader.Read(Packet(PacketType.Ping, 1, new byte[13]), PacketDirection.FromLearner));

        var question = Encode(new Revalidate(0x22, 4000), PacketDirection.FromLearner);
        Assert.Equal(new Revalidate(0x22, 4000), QuorumPacketReader.Read(question, PacketDirection.FromLearner));
        var answer = Encode(new RevalidateReply(0x22, false), PacketDirection.FromLeader);
        Assert.Equal(new RevalidateReply(0x22, false), QuorumPacketReader.Read(answer, PacketDirection.FromLeader));
    }

    [Fact]
    public void The_trace_context_travels_in_authinfo_and_is_taken_out_of_a_request()
    {
        var request = (Request)QuorumPacketReader.Read(Encode(Packets().Single(p => p.Name == "RequestTraced").Message, PacketDirection.FromLearner), PacketDirection.FromLearner);
        Assert.Equal([new AuthId("ip", "127.0.0.1"), new AuthId("digest", "bob:abc=")], request.AuthInfo);
        Assert.Equal(TraceParent, System.Text.Encoding.ASCII.GetString(request.TraceContext.Span));
        Assert.Equal((0x100000000000001L, 7, 1), (request.SessionId, request.Cxid, request.OpCode));
        Assert.Equal([9, 8, 7], request.Body.ToArray());

        var proposal = (Proposal)QuorumPacketReader.Read(Encode(Packets().Single(p => p.Name == "ProposalTraced").Message, PacketDirection.FromLeader), PacketDirection.FromLeader);
        Assert.Equal(TraceParent, System.Text.Encoding.ASCII.GetString(proposal.Txn.TraceContext.Span));
        Assert.Equal(TxnBytes, proposal.Txn.Data.ToArray());
        Assert.Equal(0x600000001, proposal.Txn.Zxid);

        var untraced = (Proposal)QuorumPacketReader.Read(Encode(new Proposal(new Txn(1, TxnBytes)), PacketDirection.FromLeader), PacketDirection.FromLeader);
        Assert.True(untraced.Txn.TraceContext.IsEmpty);
    }

    [Fact]
    public void Reconfiguration_packets_and_unknown_types_are_malformed()
    {
        Assert.Throws<JuteException>(() => QuorumPacketReader.Read(Packet(PacketType.CommitAndActivate, 1, Long(1)), PacketDirection.FromLeader));
        Assert.Throws<JuteException>(() => QuorumPacketReader.Read(Packet((PacketType)77, 1, null), PacketDirection.FromLeader));
        Assert.Throws<JuteException>(() => QuorumPacketReader.Read([.. Encode(new Ack(1), PacketDirection.FromLearner), 0], PacketDirection.FromLearner));
    }

    [Fact]
    public void CloseConnection_is_not_a_packet() =>
        Assert.Throws<ArgumentException>(() => Encode(new CloseConnection(), PacketDirection.FromLeader));

    [Fact]
    public void The_generic_record_reads_what_the_writer_wrote()
    {
        var bytes = Encode(Packets().Single(p => p.Name == "Request").Message, PacketDirection.FromLearner);
        var reader = new JuteReader(bytes);
        var packet = QuorumPacket.Read(ref reader);
        Assert.Equal((int)PacketType.Request, packet.Type);
        Assert.Equal(-1, packet.Zxid);
        Assert.Equal(2, packet.AuthInfo!.Count);
        var again = new ArrayBufferWriter<byte>();
        packet.Write(new JuteWriter(again));
        Assert.Equal(bytes, again.WrittenSpan.ToArray());
    }

    internal static byte[] Packet(PacketType type, long zxid, byte[]? data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new QuorumPacket((int)type, zxid, data, null).Write(new JuteWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Long(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>The bytes as a chain of small segments, as a pipe may hand them over.</summary>
    internal static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i < bytes.Length; i += size)
        {
            var segment = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), i);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
