using System.Buffers;
using System.Collections.Concurrent;
using CoordAspire.Database.Tree;
using CoordAspire.Node.Quorum;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Node.Tests.Network;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage;
using CoordAspire.Zab;
using Xunit.Abstractions;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>
/// Our transports against real Apache ZooKeeper 3.8 servers (Debian's): two ZooKeeper members of a three-member
/// configuration whose third member is us. Nothing of our consensus core runs here; the test plays member 3's part
/// by hand, so that what is checked is the wire: that they read our votes and packets and we read theirs.
/// </summary>
public sealed class ApacheInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>A vote for us that beats theirs: a fresh ZooKeeper has epoch 0 and zxid 0.</summary>
    private static readonly Notification OurVote = new(ServerState.Looking, 3, Zxid.Make(1, 5), ElectionEpoch: 1, PeerEpoch: 1);

    [JavaFact]
    public async Task ZooKeeper_servers_read_our_vote_and_adopt_it_and_we_read_theirs()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        var logs = new CapturingLoggerProvider();
        var received = System.Threading.Channels.Channel.CreateUnbounded<Notification>();
        ElectionChannel? election = null;
        election = new ElectionChannel(3, servers, false, n =>
        {
            received.Writer.TryWrite(n);
            Answer(election!, n);
        }, logs.CreateLogger("election"));
        await using var electionScope = election;
        election.Start();

        // One at a time: two fresh ZooKeepers that hear each other first elect one of themselves in a few hundred
        // milliseconds, before a vote of ours could matter. Alone, the first takes ours (its epoch and zxid are 0)
        // and follows us; the second then hears our vote and the first's.
        await using var zk1 = ApacheQuorumPeer.Start(1, servers);
        ApacheQuorumPeer? zk2 = null;
        var adopted = new HashSet<long>();
        try
        {
            while (adopted.Count < 2)
            {
                var n = await received.NextAsync(Patience, "ZooKeeper's notifications");
                output.WriteLine($"from {n.From}: {n.State} {n.Vote}");
                Assert.Contains(n.From, new long[] { 1, 2 });
                Assert.Equal(3, n.To);
                Assert.True(n.ElectionEpoch >= 1, $"round {n.ElectionEpoch}");
                if (n.Leader == 3)
                {
                    // Our vote, as they now hold it: our zxid and epoch came through.
                    Assert.Equal((OurVote.Zxid, OurVote.PeerEpoch), (n.Zxid, n.PeerEpoch));
                    Assert.Contains(n.State, new[] { ServerState.Looking, ServerState.Following });
                    adopted.Add(n.From);
                    zk2 ??= ApacheQuorumPeer.Start(2, servers);
                }
                else
                {
                    // A ZooKeeper's own vote: one of them, and nothing of ours in it.
                    Assert.Contains(n.Leader, new long[] { 1, 2 });
                    Assert.True(n.PeerEpoch <= 1 && Zxid.EpochOf(n.Zxid) <= 1, n.ToString());
                }
            }
        }
        catch
        {
            output.WriteLine(zk1.Tail());
            output.WriteLine(zk2?.Tail() ?? "");
            throw;
        }
        finally
        {
            if (zk2 is not null)
            {
                await zk2.DisposeAsync();
            }
        }
    }

    [JavaFact]
    public async Task ZooKeeper_followers_sync_from_our_snapshot_log_our_proposals_and_serve_them()
    {
        var servers = QuorumTestEnsemble.Servers(1, 2, 3);
        var logs = new CapturingLoggerProvider();
        var inbox = new ConcurrentDictionary<long, System.Threading.Channels.Channel<QuorumMessage>>();
        var lost = System.Threading.Channels.Channel.CreateUnbounded<long>();
        System.Threading.Channels.Channel<QuorumMessage> Inbox(long sid) => inbox.GetOrAdd(sid, _ => System.Threading.Channels.Channel.CreateUnbounded<QuorumMessage>());

        await using var quorum = new QuorumChannel(3, servers, false, m => Inbox(m.From).Writer.TryWrite(m), p => lost.Writer.TryWrite(p), logs.CreateLogger("quorum"));
        quorum.Start();
        // Looking, we stand for leader; leading (once the first follower is synced), we answer every server that
        // looks with our vote as a leader's: FastLeaderElection.checkLeader lets a late server follow an
        // established leader only on the leader's own LEADING notification.
        long newEpoch = 2;
        var leadingVote = new Notification(ServerState.Leading, 3, OurVote.Zxid, OurVote.ElectionEpoch, newEpoch);
        bool leading = false;
        ElectionChannel? election = null;
        election = new ElectionChannel(3, servers, false, n =>
        {
            if (Volatile.Read(ref leading) && n.State == ServerState.Looking)
            {
                election!.Send(leadingVote with { From = 3, To = n.From });
            }
            else
            {
                Answer(election!, n);
            }
        }, logs.CreateLogger("election"));
        await using var electionScope = election;
        election.Start();

        // The state we lead with: a snapshot with one node of ours, and one proposal after it.
        var tree = new DataTree();
        tree.RestoreNode("/interop", "from CoordAspire"u8.ToArray(), Acls.OpenAclUnsafe,
            new StatPersisted(Zxid.Make(1, 5), Zxid.Make(1, 5), 1_700_000_000_000, 1_700_000_000_000, 0, 0, 0, 0, Zxid.Make(1, 5)));
        tree.GetNode("/")!.Cversion = 1;
        var snapshot = SnapshotStream.Serialize(tree, []);
        long create = Zxid.Make(newEpoch, 1);
        var txn = new ArrayBufferWriter<byte>();
        TxnCodec.Write(new JuteWriter(txn), new TxnHeader(0, 0, create, 1_700_000_001_000, OpCode.Create),
            new CreateTxn("/fromus", "proposed"u8.ToArray(), Acls.OpenAclUnsafe, false, 2));

        // One at a time, as in the election test; the second joins the leader the first already follows.
        var requests = System.Threading.Channels.Channel.CreateUnbounded<Request>();
        var touched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proposing = new Lock();
        long counter = 1;
        await using var zk1 = ApacheQuorumPeer.Start(1, servers);
        ApacheQuorumPeer? zk2 = null;
        using var stopPings = new CancellationTokenSource();
        try
        {
            await LeadAsync(1);
            Volatile.Write(ref leading, true);
            zk2 = ApacheQuorumPeer.Start(2, servers);
            await LeadAsync(2);
            var peers = new[] { zk1, zk2 };
            foreach (var zk in peers)
            {
                var srvr = await zk.FourLetterWordAsync("srvr");
                output.WriteLine(srvr);
                Assert.Contains("Mode: follower", srvr, StringComparison.Ordinal);
                Assert.Contains($"Zxid: 0x{create:x}", srvr, StringComparison.Ordinal);

                // ZooKeeper counts the root twice ("" and "/"): root, /zookeeper, its config and quota, ours from
                // the snapshot and from the proposal.
                Assert.Contains("Node count: 7", srvr, StringComparison.Ordinal);
            }

            // A real client of a follower: the follower forwards the session's creation and closing to us as
            // REQUESTs, which we turn into transactions and commit; it answers the reads itself.
            var serving = peers.Select(zk => ServeAsync(zk.Id, stopPings.Token)).ToList();
            var ls = await JavaZooKeeperClient.RunZkCliAsync($"127.0.0.1:{zk1.ClientPort}", ["ls", "/"]);
            Assert.Contains("[fromus, interop, zookeeper]", JavaZooKeeperClient.ZkCliOutputLines(ls));
            var get = await JavaZooKeeperClient.RunZkCliAsync($"127.0.0.1:{zk2.ClientPort}", ["get", "/interop"]);
            Assert.Contains("from CoordAspire", JavaZooKeeperClient.ZkCliOutputLines(get));

            var createSession = await requests.Reader.ReadAsync();
            Assert.Equal(-10, createSession.OpCode);
            Assert.NotEqual(0, createSession.SessionId);
            Assert.Equal(4, createSession.Body.Length);
            Assert.Empty(createSession.AuthInfo); // a connecting client has no identities yet: an empty vector, not a null one
            Assert.True(createSession.TraceContext.IsEmpty);
            Assert.True(touched.Task.Wait(Patience), "no PING reply touched a session");

            Assert.False(lost.Reader.TryRead(out var gone), $"lost {gone}");
        }
        catch
        {
            output.WriteLine(zk1.Tail());
            output.WriteLine(zk2?.Tail() ?? "");
            foreach (var line in logs.Lines)
            {
                output.WriteLine($"{line.Category} {line.Message}");
            }

            throw;
        }
        finally
        {
            await stopPings.CancelAsync();
            if (zk2 is not null)
            {
                await zk2.DisposeAsync();
            }
        }

        // The leader's request path at its smallest: createSession and closeSession become transactions, proposed
        // and committed to both followers at once (a test, not a quorum: the followers log before they apply).
        async Task ServeAsync(long sid, CancellationToken cancellationToken)
        {
            while (true)
            {
                QuorumMessage message;
                try
                {
                    message = await Inbox(sid).Reader.ReadAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                output.WriteLine($"from {sid}: {message} {(message is Ping p ? string.Join(",", p.Touches) : "")}");
                if (message is Ping { Touches.Count: > 0 })
                {
                    touched.TrySetResult();
                }

                if (message is not Request request)
                {
                    continue;
                }

                requests.Writer.TryWrite(request);
                TxnRecord record = request.OpCode switch
                {
                    -10 => new CreateSessionTxn(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(request.Body.Span)),
                    -11 => new CloseSessionTxn([]),
                    _ => throw new InvalidOperationException($"unexpected request {request.OpCode}"),
                };
                lock (proposing)
                {
                    long zxid = Zxid.Make(newEpoch, ++counter);
                    var bytes = new ArrayBufferWriter<byte>();
                    TxnCodec.Write(new JuteWriter(bytes), new TxnHeader(request.SessionId, request.Cxid, zxid, 1_700_000_002_000, (OpCode)request.OpCode), record);
                    var proposal = new Proposal(new Txn(zxid, bytes.WrittenMemory.ToArray()));
                    foreach (var follower in new long[] { 1, 2 })
                    {
                        Send(proposal, follower);
                        Send(new Commit(zxid), follower);
                    }
                }
            }
        }

        // Leader.lead and LearnerHandler.run as a script, for one learner.
        async Task LeadAsync(long sid)
        {
            var info = await Expect<LearnerInfo>(sid);
            Assert.Equal((0L, false, 0x10000), (info.AcceptedEpoch, info.IsObserver, info.ProtocolVersion));

            Send(new LeaderInfo(newEpoch), sid);
            var ackEpoch = await Expect<AckEpoch>(sid);
            Assert.Equal((0L, 0L), (ackEpoch.CurrentEpoch, ackEpoch.LastLoggedZxid));

            Send(new Snap(Zxid.Make(1, 5), snapshot), sid);
            Send(new NewLeader(Zxid.Make(newEpoch, 0)), sid);
            Assert.Equal(Zxid.Make(newEpoch, 0), (await Expect<Ack>(sid)).Zxid);
            Send(new UpToDate(), sid);
            Assert.Equal(Zxid.Make(newEpoch, 0), (await Expect<Ack>(sid)).Zxid);
            _ = PingAsync(sid);

            Send(new Proposal(new Txn(create, txn.WrittenMemory.ToArray())), sid);
            Assert.Equal(create, (await Expect<Ack>(sid)).Zxid);
            Send(new Commit(create), sid);
        }

        // LearnerHandler.ping, every half second: without it a follower gives up after syncLimit ticks.
        async Task PingAsync(long sid)
        {
            while (!stopPings.IsCancellationRequested)
            {
                Send(new Ping(create, []), sid);
                try
                {
                    await Task.Delay(500, stopPings.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        void Send(QuorumMessage message, long to) => quorum.Send(message with { From = 3, To = to });

        // The next packet from a learner that is not a ping reply.
        async Task<T> Expect<T>(long sid) where T : QuorumMessage
        {
            while (true)
            {
                var message = await Inbox(sid).NextAsync(Patience, $"{typeof(T).Name} from server {sid}");
                output.WriteLine($"from {sid}: {message}");
                if (message is Ping)
                {
                    continue;
                }

                return Assert.IsType<T>(message);
            }
        }
    }

    /// <summary>What our election does for these tests: stand for leader, and tell any server still looking elsewhere.</summary>
    private static void Answer(ElectionChannel election, Notification n)
    {
        if (n.State == ServerState.Looking && n.Leader != 3)
        {
            election.Send(OurVote with { From = 3, To = n.From, ElectionEpoch = Math.Max(n.ElectionEpoch, OurVote.ElectionEpoch) });
        }
    }
}
