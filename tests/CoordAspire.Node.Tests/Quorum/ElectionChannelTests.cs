using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Node.Quorum;
using CoordAspire.Node.Tests.Network;
using CoordAspire.Quorum.Wire;
using CoordAspire.Zab;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>The election port (QuorumCnxManager's rules) on real loopback sockets.</summary>
public sealed class ElectionChannelTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Three_servers_exchange_notifications_over_one_connection_per_pair_opened_by_the_larger_id()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        await using var s1 = new ElectionChannelUnderTest(1, servers).Start();
        await using var s2 = new ElectionChannelUnderTest(2, servers).Start();
        await using var s3 = new ElectionChannelUnderTest(3, servers).Start();
        var all = new[] { s1, s2, s3 };

        foreach (var from in all)
        {
            foreach (var to in all.Where(t => t != from))
            {
                from.Send(Vote(from.Id, round: 1), to.Id);
            }
        }

        // A vote may come twice (a connection replaced under it is followed by the last message again, as in
        // SendWorker.run): the election tolerates that.
        foreach (var server in all)
        {
            var senders = new HashSet<long>();
            while (senders.Count < 2)
            {
                var n = await server.NextAsync();
                Assert.Equal(server.Id, n.To);
                Assert.Equal(Vote(n.From, round: 1), n with { From = 0, To = 0 });
                senders.Add(n.From);
            }

            Assert.Equal(all.Where(s => s != server).Select(s => s.Id).Order(), senders.Order());
        }

        // Whoever connected first, the connection left is the one the larger id opened.
        await Eventually(() =>
            s3.Channel.InitiatedByUs(1) == true && s3.Channel.InitiatedByUs(2) == true && s2.Channel.InitiatedByUs(1) == true
            && s1.Channel.InitiatedByUs(2) == false && s1.Channel.InitiatedByUs(3) == false && s2.Channel.InitiatedByUs(3) == false);

        // Later notifications use the connections there are, both ways.
        s1.Send(Vote(3, round: 2), 3);
        s3.Send(Vote(3, round: 2), 1);
        Assert.Equal(Vote(3, round: 2) with { From = 1, To = 3 }, await s3.NextAfterRepeatsAsync(round: 1));
        Assert.Equal(Vote(3, round: 2) with { From = 3, To = 1 }, await s1.NextAfterRepeatsAsync(round: 1));
    }

    [Fact]
    public async Task A_smaller_id_that_connects_is_dropped_and_connected_back_to()
    {
        var servers = QuorumTestEnsemble.Servers(1, 3);
        await using var s3 = new ElectionChannelUnderTest(3, servers).Start();
        using var raw1 = new RawElectionPeer(servers[1]);

        // "Server 1" opens a connection to 3 and says who it is: 3 closes it ...
        using (var dialed = await raw1.ConnectAsync(servers[3], sid: 1))
        {
            Assert.Equal(0, await ReadToEndAsync(dialed));
        }

        // ... and connects back with its own handshake.
        using var back = await raw1.AcceptAsync();
        var handshake = await raw1.ReadHandshakeAsync(back);
        Assert.Equal(3, handshake.Sid);
        Assert.Equal([servers[3].ElectionAddress], handshake.ElectionAddresses);

        // The connection carries notifications both ways.
        await back.SendAsync(Frame(Vote(1, round: 4)));
        Assert.Equal(Vote(1, round: 4) with { From = 1, To = 3 }, await s3.NextAsync());
        s3.Send(Vote(3, round: 4), 1);
        Assert.Equal(Vote(3, round: 4), await RawElectionPeer.ReadNotificationAsync(back));
        Assert.True(s3.Channel.InitiatedByUs(1));
    }

    [Fact]
    public async Task To_a_larger_id_we_say_who_we_are_then_wait_for_it_to_connect_back()
    {
        var servers = QuorumTestEnsemble.Servers(3, 5);
        await using var s3 = new ElectionChannelUnderTest(3, servers).Start();
        using var raw5 = new RawElectionPeer(servers[5]);

        s3.Send(Vote(3, round: 1), 5);
        using (var dialed = await raw5.AcceptAsync())
        {
            Assert.Equal(3, (await raw5.ReadHandshakeAsync(dialed)).Sid);
            Assert.Equal(0, await ReadToEndAsync(dialed)); // closed right after the handshake
        }

        // 5 connects back (as 3.8's handleConnection does) and gets the notification that was waiting.
        using var back = await raw5.ConnectAsync(servers[3], sid: 5);
        Assert.Equal(Vote(3, round: 1), await RawElectionPeer.ReadNotificationAsync(back));
        await back.SendAsync(Frame(Vote(5, round: 1)));
        Assert.Equal(Vote(5, round: 1) with { From = 5, To = 3 }, await s3.NextAsync());
        Assert.False(s3.Channel.InitiatedByUs(5));
    }

    [Fact]
    public async Task After_a_peer_restarts_notifications_flow_again_and_the_newest_waiting_one_goes_first()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var s1 = new ElectionChannelUnderTest(1, servers).Start();
        var s2 = new ElectionChannelUnderTest(2, servers).Start();
        s1.Send(Vote(1, round: 1), 2);
        Assert.Equal(1, (await s2.NextAsync()).From);
        s2.Send(Vote(2, round: 1), 1);
        Assert.Equal(2, (await s1.NextAsync()).From);

        await s2.DisposeAsync();
        for (int round = 2; round <= 4; round++)
        {
            s1.Send(Vote(1, round), 2);
        }

        await Task.Delay(Quiet); // 1 keeps trying meanwhile
        await using var s2Again = new ElectionChannelUnderTest(2, servers).Start();
        var first = await s2Again.NextAsync();
        Assert.Equal(Vote(1, round: 4) with { From = 1, To = 2 }, first);

        s2Again.Send(Vote(2, round: 5), 1);
        Assert.Equal(Vote(2, round: 5) with { From = 2, To = 1 }, await s1.NextAsync());
    }

    [Fact]
    public async Task A_restarted_smaller_id_is_connected_back_to_at_once_even_while_the_larger_peer_backs_off()
    {
        // Server 3 has been dialling 1 (down) and now pauses 30 s before its next attempt: a member coming back
        // must not wait that out (in containers it was seconds of a returning member's rejoin).
        var servers = QuorumTestEnsemble.Servers(1, 3);
        var patient = QuorumTestEnsemble.FastOptions with { ElectionRetryMinDelay = TimeSpan.FromSeconds(30), ElectionRetryMaxDelay = TimeSpan.FromSeconds(30) };
        await using var s3 = new ElectionChannelUnderTest(3, servers, patient).Start();
        s3.Send(Vote(3, round: 7), 1);
        await Eventually(() => s3.Logs.Lines.Any(l => l.EventId.Id == 527));

        // 1 comes up and says who it is; 3 drops that connection and dials back now, with the vote that waited.
        using var raw1 = new RawElectionPeer(servers[1]);
        using (var dialed = await raw1.ConnectAsync(servers[3], sid: 1))
        {
            Assert.Equal(0, await ReadToEndAsync(dialed));
        }

        using var back = await raw1.AcceptAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await raw1.ReadHandshakeAsync(back)).Sid);
        Assert.Equal(Vote(3, round: 7), await RawElectionPeer.ReadNotificationAsync(back));
        Assert.True(s3.Channel.InitiatedByUs(1));
    }

    [Fact]
    public async Task Once_the_election_is_over_stale_looking_votes_are_neither_delivered_late_nor_sent_again()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        await using var s1 = new ElectionChannelUnderTest(1, servers).Start();
        var s2 = new ElectionChannelUnderTest(2, servers).Start();

        // 1 looks: its vote reaches 2; the one for 3 (down) waits.
        s1.Send(Vote(1, round: 1), 2);
        s1.Send(Vote(1, round: 1), 3);
        Assert.Equal(Vote(1, round: 1) with { From = 1, To = 2 }, await s2.NextAsync());

        // 1 follows now. 2 restarts and writes to 1; 3 comes up.
        s1.Channel.ForgetLookingVotes();
        await s2.DisposeAsync();
        await using var s2Again = new ElectionChannelUnderTest(2, servers).Start();
        await using var s3 = new ElectionChannelUnderTest(3, servers).Start();
        s2Again.Send(Vote(2, round: 1), 1);
        s3.Send(Vote(3, round: 1), 1);
        await Eventually(() => s1.Channel.InitiatedByUs(2) == false && s1.Channel.InitiatedByUs(3) == false);

        // Neither gets 1's old LOOKING vote (it would count as 1 still looking, backing itself); 1's answer, its
        // FOLLOWING vote, is the first thing either hears from it.
        var following = Vote(3, round: 1) with { State = ServerState.Following };
        s1.Send(following, 2);
        s1.Send(following, 3);
        Assert.Equal(following with { From = 1, To = 2 }, await s2Again.NextAsync());
        Assert.Equal(following with { From = 1, To = 3 }, await s3.NextAsync());
    }

    [Fact]
    public async Task Malformed_messages_are_skipped_and_bad_lengths_or_handshakes_close_only_their_connection()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 4);
        await using var s2 = new ElectionChannelUnderTest(2, servers).Start();
        await using var s1 = new ElectionChannelUnderTest(1, servers).Start();
        using var raw4 = new RawElectionPeer(servers[4]);

        // Not a handshake.
        using (var junk = await RawElectionPeer.DialAsync(servers[2]))
        {
            await junk.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            Assert.Equal(0, await ReadToEndAsync(junk));
        }

        using var peer4 = await raw4.ConnectAsync(servers[2], sid: 4);
        await peer4.SendAsync(Frame(Vote(4, round: 1))[..20].Select((b, i) => i < 4 ? (byte)(i == 3 ? 16 : 0) : b).ToArray()); // 16 bytes: too short, skipped
        await peer4.SendAsync(Frame(Vote(4, round: 2)));
        Assert.Equal(Vote(4, round: 2) with { From = 4, To = 2 }, await s2.NextAsync());

        var huge = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(huge, NotificationCodec.MaxMessage + 1);
        await peer4.SendAsync(huge);
        Assert.Equal(0, await ReadToEndAsync(peer4));

        // Server 1 never noticed.
        s1.Send(Vote(1, round: 3), 2);
        Assert.Equal(Vote(1, round: 3) with { From = 1, To = 2 }, await s2.NextAsync());
    }

    /// <summary>Reads until the other side closes (a FIN, or a reset when it closed with our bytes unread).</summary>
    private static async Task<int> ReadToEndAsync(Socket socket)
    {
        var buffer = new byte[256];
        int total = 0;
        using var cts = new CancellationTokenSource(QuorumTestEnsemble.Timeout);
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, cts.Token)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return total;
    }

    [Fact]
    public async Task A_notification_to_ourselves_comes_straight_back()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var s1 = new ElectionChannelUnderTest(1, servers).Start();
        s1.Send(Vote(1, round: 9), 1);
        Assert.Equal(Vote(1, round: 9) with { From = 1, To = 1 }, await s1.NextAsync());
    }

    [Fact]
    public async Task Start_fails_when_the_port_is_taken()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var first = new ElectionChannelUnderTest(1, servers).Start();
        await using var second = new ElectionChannelUnderTest(1, servers);
        Assert.Throws<SocketException>(() => second.Channel.Start());
        Assert.Equal(servers[1].ElectionPort, first.Channel.LocalEndPoint.Port);
    }

    internal static Notification Vote(long leader, long round) => new(ServerState.Looking, leader, Zxid.Make(1, leader), round, 1);

    internal static byte[] Frame(Notification notification)
    {
        var body = NotificationCodec.ToArray(notification, "version=0"u8);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + QuorumTestEnsemble.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}

/// <summary>An <see cref="ElectionChannel"/> whose notifications land in a queue.</summary>
internal sealed class ElectionChannelUnderTest : IAsyncDisposable
{
    public ElectionChannelUnderTest(long id, IReadOnlyDictionary<long, QuorumServer> servers, QuorumTransportOptions? options = null)
    {
        Id = id;
        Channel = new ElectionChannel(id, servers, false, n => Notifications.Writer.TryWrite(n), Logs.CreateLogger("election." + id), options ?? QuorumTestEnsemble.FastOptions);
    }

    public long Id { get; }

    public ElectionChannel Channel { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public System.Threading.Channels.Channel<Notification> Notifications { get; } = System.Threading.Channels.Channel.CreateUnbounded<Notification>();

    public ElectionChannelUnderTest Start()
    {
        Channel.Start();
        return this;
    }

    public void Send(Notification notification, long to) => Channel.Send(notification with { From = Id, To = to });

    public Task<Notification> NextAsync() => Notifications.NextAsync(what: $"a notification at server {Id}");

    /// <summary>The next notification that is not a repeat of one of <paramref name="round"/> (which may still come).</summary>
    public async Task<Notification> NextAfterRepeatsAsync(long round)
    {
        while (true)
        {
            var next = await NextAsync();
            if (next.ElectionEpoch != round)
            {
                return next;
            }
        }
    }

    public ValueTask DisposeAsync() => Channel.DisposeAsync();
}

/// <summary>A hand-driven election peer: its own listener on its configured port, raw sockets, 3.8's bytes.</summary>
internal sealed class RawElectionPeer : IDisposable
{
    private readonly TcpListener _listener;

    public RawElectionPeer(QuorumServer self)
    {
        Self = self;
        _listener = new TcpListener(IPAddress.Loopback, self.ElectionPort);
        _listener.Start();
    }

    public QuorumServer Self { get; }

    public static async Task<Socket> DialAsync(QuorumServer to)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, to.ElectionPort);
        return socket;
    }

    public async Task<Socket> ConnectAsync(QuorumServer to, long sid)
    {
        var socket = await DialAsync(to);
        await socket.SendAsync(ElectionHandshake.Write(sid, Self.ElectionAddress));
        return socket;
    }

    public async Task<Socket> AcceptAsync(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? QuorumTestEnsemble.Timeout);
        return await _listener.AcceptSocketAsync(cts.Token);
    }

    public async Task<ElectionHandshake.Initial> ReadHandshakeAsync(Socket socket)
    {
        var bytes = await ReadAsync(socket, 20);
        int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var all = bytes.Concat(await ReadAsync(socket, length)).ToArray();
        Assert.True(ElectionHandshake.TryRead(new ReadOnlySequence<byte>(all), out var initial, out _));
        return initial;
    }

    public static async Task<Notification?> ReadNotificationAsync(Socket socket)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(await ReadAsync(socket, 4));
        return NotificationCodec.TryRead(await ReadAsync(socket, length), out _);
    }

    public void Dispose() => _listener.Stop();

    private static async Task<byte[]> ReadAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        using var cts = new CancellationTokenSource(QuorumTestEnsemble.Timeout);
        int read = 0;
        while (read < length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), cts.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        return buffer;
    }
}
