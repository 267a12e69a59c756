using System.Net.Sockets;
using CoordAspire.Quorum.Wire;
using CoordAspire.Quorum.Wire.Tests;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>The quorum port between a leader and its learners, on real loopback sockets.</summary>
public sealed class QuorumChannelTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_learner_connects_and_messages_flow_both_ways_in_order()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();

        learner.Send(new LearnerInfo(4, IsObserver: false), to: 2);
        var info = await leader.NextAsync<LearnerInfo>();
        Assert.Equal((1L, 2L, 4L), (info.From, info.To, info.AcceptedEpoch));

        leader.Send(new LeaderInfo(5), to: 1);
        var leaderInfo = await learner.NextAsync<LeaderInfo>();
        Assert.Equal((2L, 1L, 5L), (leaderInfo.From, leaderInfo.To, leaderInfo.NewEpoch));
        learner.Send(new AckEpoch(4, 0x400000003), to: 2);
        Assert.Equal(new AckEpoch(4, 0x400000003) { From = 1, To = 2 }, await leader.NextAsync<AckEpoch>());

        // The hot path: a stream of proposals one way, acks the other, interleaved, in order.
        const int count = 2000;
        var acks = Task.Run(async () =>
        {
            for (int i = 1; i <= count; i++)
            {
                var proposal = await learner.NextAsync<Proposal>();
                Assert.Equal(Zxid.Make(5, i), proposal.Txn.Zxid);
                Assert.Equal(BitConverter.GetBytes(i), proposal.Txn.Data.ToArray());
                learner.Send(new Ack(proposal.Txn.Zxid), to: 2);
            }
        });
        for (int i = 1; i <= count; i++)
        {
            leader.Send(new Proposal(new Txn(Zxid.Make(5, i), BitConverter.GetBytes(i))), to: 1);
        }

        for (int i = 1; i <= count; i++)
        {
            Assert.Equal(Zxid.Make(5, i), (await leader.NextAsync<Ack>()).Zxid);
            leader.Send(new Commit(Zxid.Make(5, i)), to: 1);
        }

        await acks;
        for (int i = 1; i <= count; i++)
        {
            Assert.Equal(Zxid.Make(5, i), (await learner.NextAsync<Commit>()).Zxid);
        }

        // Direction-dependent packets arrive as what they are on each side.
        leader.Send(new Ping(Zxid.Make(5, count), []), to: 1);
        Assert.Empty((await learner.NextAsync<Ping>()).Touches);
        learner.Send(new Ping(Zxid.Make(5, count), [new(0x77, 5000)]), to: 2);
        Assert.Equal([new SessionTouch(0x77, 5000)], (await leader.NextAsync<Ping>()).Touches);
        learner.Send(new Revalidate(0x77, 5000), to: 2);
        Assert.Equal(new Revalidate(0x77, 5000) { From = 1, To = 2 }, await leader.NextAsync<Revalidate>());
        leader.Send(new RevalidateReply(0x77, true), to: 1);
        Assert.Equal(new RevalidateReply(0x77, true) { From = 2, To = 1 }, await learner.NextAsync<RevalidateReply>());

        await leader.Losses.NothingAsync(TimeSpan.Zero);
        await learner.Losses.NothingAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_snapshot_travels_whole_between_the_messages_around_it()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, IsObserver: true), to: 2);
        Assert.True((await leader.NextAsync<LearnerInfo>()).IsObserver);

        var tree = new Database.Tree.DataTree();
        for (int i = 0; i < 3000; i++)
        {
            tree.RestoreNode($"/n{i}", new byte[i % 700], Protocol.Records.Acls.OpenAclUnsafe, new Protocol.Records.StatPersisted(i, i, 0, 0, 0, 0, 0, 0, i));
        }

        var body = Storage.SnapshotStream.Serialize(tree, [new(1, 2)]);
        leader.Send(new Snap(0x100000bb8, body), to: 1);
        leader.Send(new NewLeader(0x200000000), to: 1);

        var snap = await learner.NextAsync<Snap>();
        Assert.Equal(0x100000bb8, snap.Zxid);
        Assert.Equal(body, snap.Snapshot.ToArray());
        Assert.Equal(0x200000000, (await learner.NextAsync<NewLeader>()).Zxid);
    }

    [Fact]
    public async Task CloseConnection_sends_what_came_before_it_and_is_no_loss_for_the_side_that_asked()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 2);
        await leader.NextAsync<LearnerInfo>();

        for (int i = 1; i <= 100; i++)
        {
            leader.Send(new Commit(i), to: 1);
        }

        leader.Send(new CloseConnection(), to: 1);
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal(i, (await learner.NextAsync<Commit>()).Zxid);
        }

        // The learner did not ask: its leader is lost. The leader asked: nothing to report.
        Assert.Equal(2, await learner.Losses.NextAsync());
        await learner.Losses.NothingAsync(Quiet);
        await leader.Losses.NothingAsync(TimeSpan.Zero);

        // With no connection left, a message is dropped and the loss reported, later, not inside Send.
        leader.Send(new Commit(101), to: 1);
        Assert.Equal(1, await leader.Losses.NextAsync());
        Assert.False(leader.ReentrantLoss);
    }

    [Fact]
    public async Task A_learner_closing_as_asked_is_a_loss_for_the_leader_once()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 2);
        await leader.NextAsync<LearnerInfo>();
        learner.Send(new Ack(7), to: 2);
        learner.Send(new CloseConnection(), to: 2);

        Assert.Equal(7, (await leader.NextAsync<Ack>()).Zxid);
        Assert.Equal(1, await leader.Losses.NextAsync());
        await leader.Losses.NothingAsync(Quiet);
        await learner.Losses.NothingAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_learner_that_goes_away_is_reported_lost_once_after_its_last_message()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        await using var leader = new QuorumChannelUnderTest(3, servers).Start();
        var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 3);
        await leader.NextAsync<LearnerInfo>();
        learner.Send(new Ack(1), to: 3);
        await learner.DisposeAsync();

        Assert.Equal(1, (await leader.NextAsync<Ack>()).Zxid);
        Assert.Equal(1, await leader.Losses.NextAsync());
        await leader.Losses.NothingAsync(Quiet);
    }

    [Fact]
    public async Task A_learner_connecting_again_replaces_its_old_connection_whose_loss_comes_first()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(1, false), to: 2);
        Assert.Equal(1, (await leader.NextAsync<LearnerInfo>()).AcceptedEpoch);

        // A raw second connection claiming the same sid (the learner restarted and came back).
        using var again = await RawConnectAsync(servers[2].QuorumPort);
        await again.SendAsync(QuorumWireSamples.Encode(new LearnerInfo(2, false) { From = 1 }, PacketDirection.FromLearner));
        Assert.Equal(1, await leader.Losses.NextAsync());
        Assert.Equal(2, (await leader.NextAsync<LearnerInfo>()).AcceptedEpoch);

        // Messages now go to the new connection; the old one was closed.
        leader.Send(new LeaderInfo(3), to: 1);
        var bytes = await ReceiveAsync(again, QuorumWireSamples.Encode(new LeaderInfo(3), PacketDirection.FromLeader).Length);
        Assert.Equal(new LeaderInfo(3), QuorumPacketReader.Read(bytes, PacketDirection.FromLeader));
        Assert.Equal(2, await learner.Losses.NextAsync());
    }

    [Fact]
    public async Task Garbage_on_the_port_closes_only_that_connection()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        await using var leader = new QuorumChannelUnderTest(3, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 3);
        await leader.NextAsync<LearnerInfo>();

        // Not a learner at all: an HTTP request, and a length that would be 2 GB.
        using (var http = await RawConnectAsync(servers[3].QuorumPort))
        {
            await http.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            Assert.Equal(0, await ReadToEndAsync(http));
        }

        using (var huge = await RawConnectAsync(servers[3].QuorumPort))
        {
            await huge.SendAsync(Convert.FromHexString("0000000b00000000000000007fffffff"));
            Assert.Equal(0, await ReadToEndAsync(huge));
        }

        // A learner that names itself, then sends garbage: its loss is reported and logged with its id.
        using (var bad = await RawConnectAsync(servers[3].QuorumPort))
        {
            await bad.SendAsync(QuorumWireSamples.Encode(new LearnerInfo(0, false) { From = 2 }, PacketDirection.FromLearner));
            Assert.Equal(2, (await leader.NextAsync<LearnerInfo>()).From);
            await bad.SendAsync(Convert.FromHexString("000000030000000000000001"));
            await bad.SendAsync(Convert.FromHexString("7fffff00"));
            Assert.Equal(0, await ReadToEndAsync(bad));
        }

        Assert.Equal(2, await leader.Losses.NextAsync());
        Assert.Contains(leader.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("server 2", StringComparison.Ordinal) && l.Message.Contains("malformed", StringComparison.Ordinal));

        // The real learner never noticed.
        leader.Send(new Commit(9), to: 1);
        Assert.Equal(9, (await learner.NextAsync<Commit>()).Zxid);
        learner.Send(new Ack(9), to: 3);
        Assert.Equal(9, (await leader.NextAsync<Ack>()).Zxid);
        await leader.Losses.NothingAsync(Quiet);
        await learner.Losses.NothingAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_leader_that_cannot_be_reached_is_reported_lost_once()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 2);
        learner.Send(new Ack(1), to: 2);
        Assert.Equal(2, await learner.Losses.NextAsync());
        await learner.Losses.NothingAsync(Quiet);
        Assert.Contains(learner.Logs.Lines, l => l.EventId.Id == 508);
    }

    [Fact]
    public async Task A_new_LearnerInfo_starts_over_on_a_fresh_connection_silently()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(1, false), to: 2);
        Assert.Equal(1, (await leader.NextAsync<LearnerInfo>()).AcceptedEpoch);
        learner.Send(new LearnerInfo(2, false), to: 2);

        // The leader sees the old connection replaced; the learner, which asked, reports nothing.
        Assert.Equal(1, await leader.Losses.NextAsync());
        Assert.Equal(2, (await leader.NextAsync<LearnerInfo>()).AcceptedEpoch);
        leader.Send(new Diff(5), to: 1);
        Assert.Equal(5, (await learner.NextAsync<Diff>()).Zxid);
        await learner.Losses.NothingAsync(Quiet);
    }

    [Fact]
    public async Task Sending_proposals_acks_and_commits_allocates_nothing_per_packet()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers).Start();
        await using var learner = new QuorumChannelUnderTest(1, servers).Start();
        learner.Send(new LearnerInfo(0, false), to: 2);
        await leader.NextAsync<LearnerInfo>();

        // Bursts that fit the pooled buffers as they start (64 KiB): a bigger burst, sent before the send task drains
        // any of it, grows them once, which is not per packet.
        const int count = 200;
        var txn = new Txn(Zxid.Make(1, 1), new byte[100], System.Text.Encoding.ASCII.GetBytes(QuorumWireSamples.TraceParent));
        var commits = Enumerable.Range(1, count).Select(i => (QuorumMessage)new Commit(i) { From = 2, To = 1 }).ToArray();
        var proposals = Enumerable.Range(1, count).Select(i => (QuorumMessage)new Proposal(txn) { From = 2, To = 1 }).ToArray();
        var acks = Enumerable.Range(1, count).Select(i => (QuorumMessage)new Ack(i) { From = 1, To = 2 }).ToArray();

        // A per-packet allocation shows in every round; a pooled buffer growing once (a burst queued while a slow
        // send task, on a busy machine, still holds the other buffer) shows in one. So the quietest round counts.
        long quietest = long.MaxValue;
        string quietestText = "";
        for (int round = 0; round < 6; round++)
        {
            // The first rounds warm up the JIT and rent the two buffers the send task swaps; the later ones are measured.
            long leaderBytes = Sent(leader, proposals) + Sent(leader, commits);
            long learnerBytes = Sent(learner, acks);
            for (int i = 0; i < 2 * count; i++)
            {
                await learner.Messages.NextAsync();
            }

            for (int i = 0; i < count; i++)
            {
                await leader.Messages.NextAsync();
            }

            if (round >= 2 && leaderBytes + learnerBytes < quietest)
            {
                quietest = leaderBytes + learnerBytes;
                quietestText = $"Send allocated {leaderBytes} bytes at the leader and {learnerBytes} at the learner for {3 * count} packets";
            }
        }

        Assert.True(quietest < 1024, quietestText);

        static long Sent(QuorumChannelUnderTest from, QuorumMessage[] messages)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var message in messages)
            {
                from.Channel.Send(message);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    [Fact]
    public async Task A_connection_that_never_names_itself_is_closed()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var leader = new QuorumChannelUnderTest(2, servers, QuorumTestEnsemble.FastOptions with { IdentifyTimeout = TimeSpan.FromMilliseconds(300) }).Start();
        using var silent = await RawConnectAsync(servers[2].QuorumPort);
        Assert.Equal(0, await ReadToEndAsync(silent));
        Assert.Contains(leader.Logs.Lines, l => l.EventId.Id == 504);
        await leader.Losses.NothingAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task Start_fails_when_the_port_is_taken()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2);
        await using var first = new QuorumChannelUnderTest(1, servers).Start();
        await using var second = new QuorumChannelUnderTest(1, servers);
        Assert.Throws<SocketException>(() => second.Channel.Start());
    }

    private static async Task<Socket> RawConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        int read = 0;
        using var cts = new CancellationTokenSource(QuorumTestEnsemble.Timeout);
        while (read < length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), cts.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the server closes; returns the bytes read (the server sends nothing to garbage).</summary>
    private static async Task<int> ReadToEndAsync(Socket socket)
    {
        var buffer = new byte[4096];
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
}
