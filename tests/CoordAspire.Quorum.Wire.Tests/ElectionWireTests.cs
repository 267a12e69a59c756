using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CoordAspire.Configuration;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Zab;
using static CoordAspire.Quorum.Wire.Tests.QuorumWireSamples;

namespace CoordAspire.Quorum.Wire.Tests;

/// <summary>The election port's bytes: FastLeaderElection.buildMsg notifications and QuorumCnxManager's handshake.</summary>
public sealed class ElectionWireTests
{
    [JavaFact]
    public async Task Notifications_are_byte_for_byte_FastLeaderElection_buildMsg()
    {
        var golden = await QuorumGoldenProgram.PacketsAsync();
        Assert.Equal(golden["NotificationLooking"],
            Hex(NotificationCodec.ToArray(new Notification(ServerState.Looking, 3, 0x500000007, 2, 5), QuorumVerifier)));
        Assert.Equal(golden["NotificationLeadingNoConfig"],
            Hex(NotificationCodec.ToArray(new Notification(ServerState.Leading, 2, 0x600000000, 7, 6), [])));
    }

    [JavaFact]
    public async Task Every_layout_ZooKeeper_has_sent_decodes()
    {
        var golden = await QuorumGoldenProgram.PacketsAsync();
        var current = NotificationCodec.TryRead(Convert.FromHexString(golden["NotificationLooking"]), out int version);
        Assert.Equal(new Notification(ServerState.Looking, 3, 0x500000007, 2, 5), current);
        Assert.Equal(2, version);

        // buildMsg's five-argument form (40 bytes) is what 3.4 before 3.4.6 sent: WorkerReceiver reads no version.
        var forty = NotificationCodec.TryRead(Convert.FromHexString(golden["Notification40"]), out version);
        Assert.Equal(new Notification(ServerState.Following, 2, 0x600000000, 7, 6), forty);
        Assert.Equal(0, version);
    }

    [Fact]
    public void The_28_byte_layout_takes_the_peer_epoch_from_the_zxid()
    {
        var bytes = NotificationCodec.ToArray(new Notification(ServerState.Leading, 2, 0x700000003, 9, 1), [])[..28];
        Assert.Equal(new Notification(ServerState.Leading, 2, 0x700000003, 9, 7), NotificationCodec.TryRead(bytes, out _));
    }

    [Fact]
    public void A_version_1_message_has_no_config()
    {
        var bytes = NotificationCodec.ToArray(new Notification(ServerState.Observing, 4, 5, 6, 7), [])[..44];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(36), 1);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(40), 999); // garbage where version 2 has the config length
        Assert.Equal(new Notification(ServerState.Observing, 4, 5, 6, 7), NotificationCodec.TryRead(bytes, out int version));
        Assert.Equal(1, version);
    }

    [Theory]
    [InlineData(27)]
    [InlineData(32)]
    [InlineData(38)]
    [InlineData(42)]
    public void Truncated_messages_are_skipped_as_WorkerReceiver_skips_them(int length)
    {
        var bytes = NotificationCodec.ToArray(new Notification(ServerState.Looking, 1, 2, 3, 4), "x"u8);
        Assert.Null(NotificationCodec.TryRead(bytes.AsSpan(0, length), out _));
    }

    [Fact]
    public void A_config_longer_than_the_message_or_an_unknown_state_is_skipped()
    {
        var bytes = NotificationCodec.ToArray(new Notification(ServerState.Looking, 1, 2, 3, 4), "abc"u8);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(40), 4);
        Assert.Null(NotificationCodec.TryRead(bytes, out _));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(40), -1);
        Assert.Null(NotificationCodec.TryRead(bytes, out _));

        var state = NotificationCodec.ToArray(new Notification(ServerState.Looking, 1, 2, 3, 4), []);
        BinaryPrimitives.WriteInt32BigEndian(state, 4);
        Assert.Null(NotificationCodec.TryRead(state, out _));
    }

    [JavaFact]
    public async Task The_handshake_is_what_startConnection_writes_and_InitialMessage_parse_reads_ours()
    {
        var golden = await QuorumGoldenProgram.PacketsAsync();
        var ours = ElectionHandshake.Write(3, new HostPort("127.0.0.1", 3890));
        Assert.Equal(golden["Handshake"], Hex(ours));

        var parsed = await QuorumGoldenProgram.RunAsync("parse-handshake", Hex(ElectionHandshake.Write(7, new HostPort("::1", 3999))));
        Assert.Equal(["sid 7", "address 0:0:0:0:0:0:0:1:3999"], parsed.StdoutLines);
    }

    [Fact]
    public void Handshakes_3_8_accepts_are_read()
    {
        Assert.True(ElectionHandshake.TryRead(new ReadOnlySequence<byte>(ElectionHandshake.Write(3, new HostPort("10.0.0.3", 3888))), out var v1, out long consumed));
        Assert.Equal(3, v1.Sid);
        Assert.Equal([new HostPort("10.0.0.3", 3888)], v1.ElectionAddresses);
        Assert.Equal(20 + "10.0.0.3:3888".Length, consumed);

        // V2 (multiAddress.enabled): several addresses joined by '|'; a wildcard is left out.
        var v2 = Handshake(ElectionHandshake.ProtocolVersionV2, 5, "10.0.0.5:3888|[fe80::1]:3889|0.0.0.0:3890");
        Assert.True(ElectionHandshake.TryRead(new ReadOnlySequence<byte>(v2), out var multi, out _));
        Assert.Equal([new HostPort("10.0.0.5", 3888), new HostPort("fe80::1", 3889)], multi.ElectionAddresses);

        // Before 3.5 the initiator sent only its sid.
        var bare = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bare, 2);
        Assert.True(ElectionHandshake.TryRead(new ReadOnlySequence<byte>(bare), out var old, out consumed));
        Assert.Equal((2L, 8L), (old.Sid, consumed));
        Assert.Empty(old.ElectionAddresses);
    }

    [Fact]
    public void A_partial_handshake_asks_for_more()
    {
        var bytes = ElectionHandshake.Write(3, new HostPort("127.0.0.1", 3890));
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.False(ElectionHandshake.TryRead(new ReadOnlySequence<byte>(bytes, 0, i), out _, out _));
        }
    }

    [Theory]
    [InlineData(-5L, 1, "1:2")]
    [InlineData(ElectionHandshake.ProtocolVersionV1, 0, "")]
    [InlineData(ElectionHandshake.ProtocolVersionV1, 2049, "")]
    [InlineData(ElectionHandshake.ProtocolVersionV1, 4, "host")]
    [InlineData(ElectionHandshake.ProtocolVersionV1, 6, "host:x")]
    [InlineData(ElectionHandshake.ProtocolVersionV1, 8, "a:1:2:3x")]
    public void Handshakes_3_8_refuses_are_refused(long version, int length, string address)
    {
        var bytes = Handshake(version, 1, address, length);
        Assert.Throws<FormatException>(() => ElectionHandshake.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
    }

    [Fact]
    public void QuorumVerifier_text_is_QuorumMaj_toString() =>
        Assert.Equal(
            "server.1=127.0.0.1:2888:3888:participant\nserver.2=127.0.0.1:2889:3889:participant\n"
            + "server.3=127.0.0.1:2890:3890:participant;0.0.0.0:2181\nserver.4=[0:0:0:0:0:0:0:1]:2891:3891:observer\nversion=100000000",
            QuorumVerifierText.Format(Servers, ConfigVersion));

    private static byte[] Handshake(long version, long sid, string address, int? length = null)
    {
        var text = Encoding.UTF8.GetBytes(address);
        var bytes = new byte[20 + text.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, version);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), sid);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), length ?? text.Length);
        text.CopyTo(bytes, 20);
        return bytes;
    }
}
