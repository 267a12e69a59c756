using System.Text;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Tests.Network;

/// <summary>
/// The client port, spoken byte by byte: handshake, pings, requests and notifications, as a ZooKeeper client sends
/// and expects them (<c>ClientCnxn</c>, <c>ClientCnxnSocketNIO</c>).
/// </summary>
public sealed class ClientProtocolTests : IAsyncLifetime
{
    private InProcessNode _node = null!;

    public Task InitializeAsync()
    {
        _node = InProcessNode.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Connect_with_the_readOnly_byte_is_answered_with_it()
    {
        await using var client = await _node.ConnectAsync();
        var (response, length) = await client.HandshakeAsync(withReadOnlyFlag: true);

        // protocolVersion 4 + timeOut 4 + sessionId 8 + passwd (4 + 16) + readOnly 1
        Assert.Equal(37, length);
        Assert.True(response.HasReadOnlyField);
        Assert.NotEqual(0, response.SessionId);
        Assert.Equal(30000, response.TimeOut);
        Assert.Equal(16, response.Passwd.Length);
    }

    [Fact]
    public async Task Connect_without_the_readOnly_byte_is_answered_without_it()
    {
        // Clients before 3.4 do not send it, and fail on a response longer than they expect.
        await using var client = await _node.ConnectAsync();
        var (response, length) = await client.HandshakeAsync(withReadOnlyFlag: false);

        Assert.Equal(36, length);
        Assert.False(response.HasReadOnlyField);
        Assert.NotEqual(0, response.SessionId);
    }

    [Fact]
    public async Task Session_timeout_is_clamped_to_the_configured_bounds()
    {
        await using var client = await _node.ConnectAsync();
        var (response, _) = await client.HandshakeAsync(timeout: 1);

        // minSessionTimeout defaults to 2 × tickTime.
        Assert.Equal(2 * _node.Config.TickTime, response.TimeOut);
    }

    [Fact]
    public async Task Ping_is_answered_with_xid_minus_two()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        var (header, body) = await client.RequestAsync(OpCode.Ping, xid: Xid.Ping);

        Assert.Equal(Xid.Ping, header.Xid);
        Assert.Equal(ErrorCode.Ok, header.Err);
        Assert.Empty(body);
    }

    [Fact]
    public async Task Create_then_getData_round_trips_the_data()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        byte[] data = Encoding.UTF8.GetBytes("hello");

        var (created, createBody) = await client.RequestAsync(OpCode.Create, (in JuteWriter w) =>
        {
            w.WriteString("/greeting");
            w.WriteBuffer(data);
            w.WriteInt(1); // one ACL: world:anyone with all permissions
            w.WriteInt((int)Perms.All);
            w.WriteString("world");
            w.WriteString("anyone");
            w.WriteInt(0); // persistent
        });
        Assert.Equal(ErrorCode.Ok, created.Err);
        Assert.True(created.Zxid > 0);
        Assert.Equal("/greeting", RawClient.Parse(createBody, static (ref JuteReader r) => r.ReadString()));

        var (read, readBody) = await client.RequestAsync(OpCode.GetData, (in JuteWriter w) =>
        {
            w.WriteString("/greeting");
            w.WriteBool(false);
        });
        Assert.Equal(ErrorCode.Ok, read.Err);
        var response = RawClient.Parse(readBody, static (ref JuteReader r) => GetDataResponse.Read(ref r));
        Assert.Equal(data, response.Data);
        Assert.Equal(created.Zxid, response.Stat.Czxid);
        Assert.Equal(data.Length, response.Stat.DataLength);
    }

    [Fact]
    public async Task GetData_of_a_missing_node_is_NoNode()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        var (header, _) = await client.RequestAsync(OpCode.GetData, (in JuteWriter w) =>
        {
            w.WriteString("/missing");
            w.WriteBool(false);
        });

        Assert.Equal(ErrorCode.NoNode, header.Err);
    }

    [Fact]
    public async Task A_data_watch_fires_a_notification_frame_on_the_watching_connection()
    {
        await using var watcher = await _node.ConnectAsync();
        await watcher.HandshakeAsync();
        await using var writer = await _node.ConnectAsync();
        await writer.HandshakeAsync();
        await writer.CreateAsync("/watched", "v1");

        var (get, _) = await watcher.RequestAsync(OpCode.GetData, (in JuteWriter w) =>
        {
            w.WriteString("/watched");
            w.WriteBool(true);
        });
        Assert.Equal(ErrorCode.Ok, get.Err);

        var (set, _) = await writer.RequestAsync(OpCode.SetData, (in JuteWriter w) =>
        {
            w.WriteString("/watched");
            w.WriteBuffer(Encoding.UTF8.GetBytes("v2"));
            w.WriteInt(-1);
        });
        Assert.Equal(ErrorCode.Ok, set.Err);

        var (header, watchedEvent) = await watcher.NextNotificationAsync();
        Assert.Equal(Xid.Notification, header.Xid);
        Assert.Equal(set.Zxid, header.Zxid);
        Assert.Equal(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/watched"), watchedEvent);
    }

    [Fact]
    public async Task A_session_resumes_on_a_new_connection_with_its_password()
    {
        long sessionId;
        byte[] password;
        await using (var first = await _node.ConnectAsync())
        {
            await first.HandshakeAsync();
            sessionId = first.SessionId;
            password = first.Password;
        }

        await using var second = await _node.ConnectAsync();
        var (response, _) = await second.HandshakeAsync(sessionId: sessionId, password: password);

        Assert.Equal(sessionId, response.SessionId);
        var (ping, _) = await second.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
    }

    [Fact]
    public async Task A_wrong_password_gets_session_zero_and_a_close()
    {
        await using var first = await _node.ConnectAsync();
        await first.HandshakeAsync();

        await using var impostor = await _node.ConnectAsync();
        var (response, _) = await impostor.HandshakeAsync(sessionId: first.SessionId, password: new byte[16]);

        Assert.Equal(0, response.SessionId);
        Assert.Equal(0, response.TimeOut);
        await impostor.ReadUntilClosedAsync();
    }

    [Fact]
    public async Task CloseSession_is_answered_and_the_connection_closed()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        var (header, _) = await client.RequestAsync(OpCode.CloseSession);

        Assert.Equal(ErrorCode.Ok, header.Err);
        Assert.Empty(await client.ReadUntilClosedAsync());
        Assert.Equal(0, await _node.QueryAsync(p => p.Sessions.Count));
    }

    [Fact]
    public async Task An_unknown_opcode_is_answered_Unimplemented_and_only_that_connection_closed()
    {
        await using var good = await _node.ConnectAsync();
        await good.HandshakeAsync();
        await using var bad = await _node.ConnectAsync();
        await bad.HandshakeAsync();

        var (header, _) = await bad.RequestAsync((OpCode)999);

        Assert.Equal(ErrorCode.Unimplemented, header.Err);
        Assert.Empty(await bad.ReadUntilClosedAsync());
        var (ping, _) = await good.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
    }

    [Fact]
    public async Task Requests_pipelined_in_one_write_are_answered_in_order()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        // Many requests in one segment: the reader must cut them apart and the loop answer each in order.
        var batch = new MemoryStream();
        for (int xid = 1; xid <= 200; xid++)
        {
            int x = xid;
            batch.Write(RawClient.Frame((in JuteWriter w) =>
            {
                w.WriteInt(x);
                w.WriteInt((int)OpCode.Exists);
                w.WriteString("/zookeeper");
                w.WriteBool(false);
            }));
        }

        await client.SendAsync(batch.ToArray());
        for (int xid = 1; xid <= 200; xid++)
        {
            var (header, _) = await client.ReadReplyAsync();
            Assert.Equal(xid, header.Xid);
            Assert.Equal(ErrorCode.Ok, header.Err);
        }
    }

    [Fact]
    public async Task Requests_sent_just_before_the_client_hangs_up_are_still_processed()
    {
        await using var client = await _node.ConnectAsync();
        byte[] create = RawClient.Frame((in JuteWriter w) =>
        {
            w.WriteInt(1);
            w.WriteInt((int)OpCode.Create);
            w.WriteString("/last-words");
            w.WriteBuffer([]);
            w.WriteInt(1);
            w.WriteInt((int)Perms.All);
            w.WriteString("world");
            w.WriteString("anyone");
            w.WriteInt(0);
        });
        await client.SendAsync(RawClient.ConnectFrame(withReadOnlyFlag: true).Concat(create).ToArray());
        client.ShutdownSend();

        // ZooKeeper closes at the end of stream, replies unsent; what was read is still applied.
        await client.ReadUntilClosedAsync();
        await _node.WaitForConnectionCountAsync(0);
        Assert.NotNull(await _node.QueryAsync(p => p.Tree.GetNode("/last-words")));
    }

    [Fact]
    public async Task An_idle_session_expires_on_the_tick_and_its_connection_is_closed()
    {
        // tickTime 50 ms: the shortest session (2 ticks) expires within a fraction of a second without pings.
        await using var node = InProcessNode.Start(c => c with { TickTime = 50 });
        await using var client = await node.ConnectAsync();
        var (response, _) = await client.HandshakeAsync(timeout: 1);
        Assert.Equal(100, response.TimeOut);
        await client.CreateAsync("/ephemeral-of-an-idle-client", ephemeral: true);

        await client.ReadUntilClosedAsync();

        Assert.Equal(0, await node.QueryAsync(p => p.Sessions.Count));
        Assert.Null(await node.QueryAsync(p => p.Tree.GetNode("/ephemeral-of-an-idle-client")));
    }

    [Fact]
    public async Task Connections_beyond_maxClientCnxns_from_one_address_are_refused()
    {
        await using var node = InProcessNode.Start(c => c with { MaxClientCnxns = 2 });
        await using var first = await node.ConnectAsync();
        await first.HandshakeAsync();
        await using var second = await node.ConnectAsync();
        await second.HandshakeAsync();

        await using var third = await node.ConnectAsync();

        Assert.Empty(await third.ReadUntilClosedAsync());
        var (ping, _) = await first.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
        Assert.Contains(node.Log.Lines, l => l.Message.StartsWith("Too many connections from 127.0.0.1 - max is 2", StringComparison.Ordinal));

        // A slot frees up when a connection closes.
        await second.DisposeAsync();
        await node.WaitForConnectionCountAsync(1);
        await using var fourth = await node.ConnectAsync();
        var (response, _) = await fourth.HandshakeAsync();
        Assert.NotEqual(0, response.SessionId);
    }
}
