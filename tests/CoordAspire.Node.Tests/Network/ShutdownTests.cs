using CoordAspire.Protocol;

namespace CoordAspire.Node.Tests.Network;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_closes_every_connection()
    {
        var node = InProcessNode.Start();
        await using var first = await node.ConnectAsync();
        await first.HandshakeAsync();
        await using var second = await node.ConnectAsync();

        await node.DisposeAsync();

        await first.ReadUntilClosedAsync();
        await second.ReadUntilClosedAsync();
    }

    [Fact]
    public async Task A_stopped_server_refuses_new_connections()
    {
        var node = InProcessNode.Start();
        var endPoint = node.EndPoint;
        await node.DisposeAsync();

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawClient.ConnectAsync(endPoint));
    }

    [Fact]
    public async Task Two_servers_cannot_share_a_port()
    {
        await using var node = InProcessNode.Start();
        int port = node.EndPoint.Port;

        Assert.ThrowsAny<System.Net.Sockets.SocketException>(() =>
            InProcessNode.Start(c => c with { ClientPortAddress = new CoordAspire.Configuration.HostPort("127.0.0.1", port) }));

        await using var client = await node.ConnectAsync();
        var (response, _) = await client.HandshakeAsync();
        Assert.NotEqual(0, response.SessionId);
        var (ping, _) = await client.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
    }
}
