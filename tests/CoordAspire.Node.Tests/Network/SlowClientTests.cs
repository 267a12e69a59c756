using CoordAspire.Node.Network;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Tests.Network;

/// <summary>
/// The request loop never waits for a socket: a client that stops reading only grows its own backlog, and is
/// disconnected when the backlog passes its limit, while everyone else is served as before.
/// </summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_does_not_read_its_replies_is_disconnected()
    {
        await using var node = InProcessNode.Start(limits: new ConnectionLimits { MaxOutboundBacklog = 256 * 1024 });
        await using var healthy = await node.ConnectAsync();
        await healthy.HandshakeAsync();
        var data = new byte[100 * 1024];
        var (created, _) = await healthy.RequestAsync(OpCode.Create, (in JuteWriter w) =>
        {
            w.WriteString("/big");
            w.WriteBuffer(data);
            w.WriteInt(1);
            w.WriteInt((int)Perms.All);
            w.WriteString("world");
            w.WriteString("anyone");
            w.WriteInt(0);
        });
        Assert.Equal(ErrorCode.Ok, created.Err);

        await using var slow = await node.ConnectAsync();
        await slow.HandshakeAsync();
        var requests = new MemoryStream();
        for (int xid = 1; xid <= 500; xid++)
        {
            int x = xid;
            requests.Write(RawClient.Frame((in JuteWriter w) =>
            {
                w.WriteInt(x);
                w.WriteInt((int)OpCode.GetData);
                w.WriteString("/big");
                w.WriteBool(false);
            }));
        }

        // 500 replies of 100 KiB are 50 MiB: far more than the socket buffers hold, so the backlog must pass 256 KiB.
        await slow.SendAsync(requests.ToArray());
        var (ping, _) = await healthy.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);

        var received = await slow.ReadUntilClosedAsync();
        Assert.True(received.Length < 500 * data.Length, "the slow client was sent every reply instead of being disconnected");
        Assert.Contains(node.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("bytes of replies are waiting", StringComparison.Ordinal));

        (ping, _) = await healthy.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
    }
}
