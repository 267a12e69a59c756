using System.Buffers.Binary;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Tests.Network;

/// <summary>
/// Whatever a client sends, the worst it can do is lose its own connection: each case below closes only the
/// connection that sent it, with one log line, while a healthy session on the same server keeps being served and new
/// clients can still connect (ZooKeeper: <c>NIOServerCnxn.readLength</c> "Len error", <c>doIO</c>'s end of stream).
/// </summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private InProcessNode _node = null!;
    private RawClient _healthy = null!;

    public async Task InitializeAsync()
    {
        _node = InProcessNode.Start();
        _healthy = await _node.ConnectAsync();
        await _healthy.HandshakeAsync();
    }

    public async Task DisposeAsync()
    {
        await _healthy.DisposeAsync();
        await _node.DisposeAsync();
    }

    public static TheoryData<string, byte[]> BeforeHandshake => new()
    {
        { "random bytes", RandomBytes() },
        { "negative length", BigEndian(-5) },
        { "length above jute.maxbuffer", BigEndian(Framing.DefaultMaxBuffer + 1) },
        { "huge length", BigEndian(int.MaxValue) },
        { "connect request too short", RawClient.Frame((in JuteWriter w) => w.WriteInt(0)) },
        { "connect request with a password longer than the frame", RawClient.Frame((in JuteWriter w) =>
            {
                w.WriteInt(0);
                w.WriteLong(0);
                w.WriteInt(30000);
                w.WriteLong(0);
                w.WriteInt(1000);
            })
        },
        { "unknown four letters", "abcd"u8.ToArray() },
    };

    public static TheoryData<string, byte[]> AfterHandshake => new()
    {
        { "random bytes", RandomBytes() },
        { "negative length", BigEndian(-1) },
        { "huge length", BigEndian(0x7fffff00) },
        { "a four letter word after the handshake", "ruok"u8.ToArray() },
        { "request header cut short", RawClient.Frame((in JuteWriter w) => w.WriteInt(7)) },
    };

    [Theory]
    [MemberData(nameof(BeforeHandshake))]
    public async Task Garbage_instead_of_a_connect_request_closes_only_that_connection(string what, byte[] garbage)
    {
        await using var bad = await _node.ConnectAsync();
        await bad.SendAsync(garbage);

        Assert.Empty(await bad.ReadUntilClosedAsync());
        await AssertServerStillServesAsync(what);
    }

    [Theory]
    [MemberData(nameof(AfterHandshake))]
    public async Task Garbage_after_the_handshake_closes_only_that_connection(string what, byte[] garbage)
    {
        await using var bad = await _node.ConnectAsync();
        await bad.HandshakeAsync();
        await bad.SendAsync(garbage);

        Assert.Empty(await bad.ReadUntilClosedAsync());
        await AssertServerStillServesAsync(what);
    }

    [Fact]
    public async Task A_frame_cut_short_by_the_end_of_stream_closes_only_that_connection()
    {
        await using var bad = await _node.ConnectAsync();
        await bad.HandshakeAsync();
        await bad.SendAsync(BigEndian(100).Concat(new byte[10]).ToArray());
        bad.ShutdownSend();

        Assert.Empty(await bad.ReadUntilClosedAsync());
        await AssertServerStillServesAsync("truncated frame");
        Assert.Contains(_node.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("ended inside a frame", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connect_request_cut_short_closes_the_connection()
    {
        await using var bad = await _node.ConnectAsync();
        var frame = RawClient.ConnectFrame(withReadOnlyFlag: true);
        await bad.SendAsync(frame.AsMemory(0, frame.Length - 5));
        bad.ShutdownSend();

        Assert.Empty(await bad.ReadUntilClosedAsync());
        await AssertServerStillServesAsync("truncated connect");
    }

    [Fact]
    public async Task A_bad_length_is_logged_once_as_a_warning()
    {
        await using var bad = await _node.ConnectAsync();
        await bad.SendAsync(BigEndian(-5));
        await bad.ReadUntilClosedAsync();
        await _node.WaitForConnectionCountAsync(1);

        var warnings = _node.Log.Lines.Where(l => l.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(warnings);
        Assert.Contains("frame length -5", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_session_leaves_the_others_alone()
    {
        var bad = await _node.ConnectAsync();
        await bad.HandshakeAsync();
        await bad.SendAsync(BigEndian(50).Concat(new byte[20]).ToArray());
        await bad.DisposeAsync();

        await AssertServerStillServesAsync("vanished client");
    }

    private async Task AssertServerStillServesAsync(string what)
    {
        var (ping, _) = await _healthy.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.True(ping.Err == ErrorCode.Ok, $"after {what}: the healthy session's ping failed with {ping.Err}");

        await using var fresh = await _node.ConnectAsync();
        var (response, _) = await fresh.HandshakeAsync();
        Assert.NotEqual(0, response.SessionId);
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Seeded noise whose first four bytes, like almost all such, are no valid frame length.</summary>
    private static byte[] RandomBytes()
    {
        var bytes = new byte[256];
        new Random(20240607).NextBytes(bytes);
        bytes[0] |= 0x80;
        return bytes;
    }
}
