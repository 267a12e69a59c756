using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>The session across connections: resume after a dropped connection, expiry, close, state events.</summary>
public abstract class SessionTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Session_survives_a_dropped_connection_with_its_ephemerals_and_watches()
    {
        var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(10), ReconnectDelay = TimeSpan.FromSeconds(1.5) };
        var client = await ConnectAsync(options, singleServer: true);
        var states = new List<ConnectionState>();
        client.StateChanged += (_, e) => { lock (states) { states.Add(e.Current); } };
        long sessionId = client.SessionId;

        await client.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        await Client.CreateAsync(P("missed"), Bytes("0"));
        await Client.CreateAsync(P("later"), Bytes("0"));
        var missed = new OneShotWatch();
        var later = new OneShotWatch();
        var created = new OneShotWatch();
        var recursive = new EventLog();
        await client.GetDataAsync(P("missed"), missed);
        await client.GetDataAsync(P("later"), later);
        await client.ExistsAsync(P("new"), created);
        await client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, recursive.Watcher);

        client.DropConnection();
        await WaitForStateAsync(client, ConnectionState.Disconnected);
        // While the client waits to reconnect, the znode changes: setWatches with the last zxid seen makes the server
        // fire the watch at once on reconnection.
        await Client.SetDataAsync(P("missed"), Bytes("1"));
        Assert.Equal(EventType.NodeDataChanged, (await missed.Triggered.WaitAsync(Timeout)).Type);
        await WaitForStateAsync(client, ConnectionState.Connected);

        Assert.Equal(sessionId, client.SessionId);
        Assert.Equal(sessionId, (await Client.ExistsAsync(P("eph")))!.Value.EphemeralOwner);
        Assert.Equal([P("eph")], await client.GetEphemeralsAsync(Root));

        await Client.SetDataAsync(P("later"), Bytes("1"));
        await Client.CreateAsync(P("new"));
        Assert.Equal(EventType.NodeDataChanged, (await later.Triggered.WaitAsync(Timeout)).Type);
        Assert.Equal(EventType.NodeCreated, (await created.Triggered.WaitAsync(Timeout)).Type);
        var events = await recursive.WaitForNodeEventsAsync(2);
        Assert.Contains(events, e => e.Type == EventType.NodeCreated && e.Path == P("new"));

        // Watchers heard the connection come and go.
        Assert.Contains(recursive.Events, e => e.Type == EventType.None && e.State == KeeperState.Disconnected);
        Assert.Contains(recursive.Events, e => e.Type == EventType.None && e.State == KeeperState.SyncConnected);
        lock (states)
        {
            Assert.Equal([ConnectionState.Disconnected, ConnectionState.Connected], states);
        }
    }

    [Fact]
    public async Task Requests_in_flight_when_the_connection_drops_fail_with_connection_loss()
    {
        var client = await ConnectAsync(new ZooKeeperClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(500) });
        var tasks = Enumerable.Range(0, 500).Select(i => client.CreateAsync(P($"n{i}")).AsTask()).ToList();
        client.DropConnection();
        var succeeded = new List<string>();
        int lost = 0;
        foreach (var task in tasks)
        {
            try
            {
                succeeded.Add(ZnodePath.Name(await task.WaitAsync(Timeout)));
            }
            catch (ConnectionLossException)
            {
                lost++;
            }
        }

        Assert.Equal(500, succeeded.Count + lost);
        await WaitForStateAsync(client, ConnectionState.Connected);
        // Whatever succeeded was applied; a lost request may or may not have been.
        var children = await client.GetChildrenAsync(Root);
        Assert.Subset(children.ToHashSet(), succeeded.ToHashSet());
        Assert.Equal("after", ZnodePath.Name(await client.CreateAsync(P("after"))));
    }

    [Fact]
    public async Task Session_expires_when_the_client_goes_silent()
    {
        var timeout = Server.MinSessionTimeout;
        var client = await ConnectAsync(new ZooKeeperClientOptions { SessionTimeout = timeout });
        Assert.Equal(timeout, client.SessionTimeout);
        await client.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        var watch = new OneShotWatch();
        await client.ExistsAsync(P("other"), watch);
        var states = new List<ConnectionState>();
        client.StateChanged += (_, e) => { lock (states) { states.Add(e.Current); } };

        client.TestHooks.SuppressPings = true;
        await WaitForStateAsync(client, ConnectionState.Expired, timeout * 10);

        await Assert.ThrowsAsync<SessionExpiredException>(async () => await watch.Triggered);
        await Assert.ThrowsAsync<SessionExpiredException>(async () => await client.ExistsAsync(P("eph")));
        Assert.Null(await Client.ExistsAsync(P("eph")));
        lock (states)
        {
            Assert.Equal(ConnectionState.Expired, states[^1]);
        }
    }

    [Fact]
    public async Task Credentials_are_sent_on_connect_and_again_after_reconnecting()
    {
        await Client.CreateAsync(P("private"), Bytes("secret"), acl: [DigestAuth.Acl("carol", "pw")]);
        var options = new ZooKeeperClientOptions();
        options.AuthInfo.Add((DigestAuth.Scheme, DigestAuth.Credentials("carol", "pw")));
        var carol = await ConnectAsync(options, singleServer: true);
        Assert.Equal("secret", Text((await carol.GetDataAsync(P("private"))).Data));

        var dave = await ConnectAsync(singleServer: true);
        await dave.AddAuthAsync(DigestAuth.Scheme, DigestAuth.Credentials("carol", "pw"));
        dave.DropConnection();
        await WaitForStateAsync(dave, ConnectionState.Disconnected);
        await WaitForStateAsync(dave, ConnectionState.Connected);
        Assert.Equal("secret", Text((await dave.GetDataAsync(P("private"))).Data));
        carol.DropConnection();
        await WaitForStateAsync(carol, ConnectionState.Disconnected);
        await WaitForStateAsync(carol, ConnectionState.Connected);
        Assert.Equal("secret", Text((await carol.GetDataAsync(P("private"))).Data));
    }

    [Fact]
    public async Task Requests_made_while_disconnected_are_sent_after_reconnecting()
    {
        var client = await ConnectAsync(new ZooKeeperClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(500) }, singleServer: true);
        client.DropConnection();
        await WaitForStateAsync(client, ConnectionState.Disconnected);
        var queued = client.CreateAsync(P("queued"), Bytes("q"));
        Assert.Equal(P("queued"), await queued);
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Resuming_an_expired_session_fails_to_connect()
    {
        var first = await ConnectAsync();
        long id = first.SessionId;
        byte[] password = first.SessionPassword;
        await first.CloseAsync();
        await Assert.ThrowsAsync<SessionExpiredException>(() => ConnectAsync(new ZooKeeperClientOptions { SessionId = id, SessionPassword = password }));
    }

    [Fact]
    public async Task Another_client_can_resume_a_live_session()
    {
        var first = await ConnectAsync();
        await first.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        var second = await ConnectAsync(new ZooKeeperClientOptions { SessionId = first.SessionId, SessionPassword = first.SessionPassword });
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Equal([P("eph")], await second.GetEphemeralsAsync(Root));
    }

    [Fact]
    public async Task Close_ends_the_session_and_everything_after_fails()
    {
        var client = await ConnectAsync();
        await client.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        var watch = new OneShotWatch();
        await client.ExistsAsync(P("x"), watch);
        var stream = client.StateChangesAsync();
        var enumerator = stream.GetAsyncEnumerator();
        var next = enumerator.MoveNextAsync();

        await client.CloseAsync();
        await client.CloseAsync(); // idempotent
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.True(await next);
        Assert.Equal(ConnectionState.Closed, enumerator.Current);
        Assert.False(await enumerator.MoveNextAsync());

        Assert.Null(await Client.ExistsAsync(P("eph")));
        await Assert.ThrowsAsync<SessionExpiredException>(async () => await client.GetDataAsync(P("eph")));
        await Assert.ThrowsAsync<SessionExpiredException>(async () => await watch.Triggered);
        Assert.Empty(await watch.ToListAsync());
    }

    [Fact]
    public async Task Connecting_to_nothing_times_out_with_connection_loss()
    {
        int port = Node.Tests.Harness.FreePort.Next();
        var options = new ZooKeeperClientOptions { ConnectTimeout = TimeSpan.FromSeconds(1), ReconnectDelay = TimeSpan.FromMilliseconds(50) };
        var error = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync($"127.0.0.1:{port}", options));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_auth_ends_the_session()
    {
        var client = await ConnectAsync();
        var watch = new OneShotWatch();
        await client.ExistsAsync(P("x"), watch);
        await Assert.ThrowsAsync<AuthFailedException>(async () => await client.AddAuthAsync("no-such-scheme", [1, 2, 3]));
        await WaitForStateAsync(client, ConnectionState.AuthFailed);
        await Assert.ThrowsAsync<AuthFailedException>(async () => await client.ExistsAsync(P("x")));
        await Assert.ThrowsAsync<AuthFailedException>(async () => await watch.Triggered);
    }
}
