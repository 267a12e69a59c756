using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Node.Quorum;
using CoordAspire.Zab;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>Dialling peers by name when the resolver is slow to answer (a container runtime's DNS rewritten under a
/// restart), and where a restarted peer is dialled back.</summary>
public sealed class PeerAddressesTests
{
    private static readonly IPAddress Old = IPAddress.Parse("10.89.0.4");
    private static readonly IPAddress New = IPAddress.Parse("10.89.0.12");

    [Fact]
    public async Task A_literal_address_is_not_looked_up()
    {
        var resolver = new ScriptedResolver();
        var addresses = new PeerAddresses(resolver.ResolveAsync);
        Assert.Equal([IPAddress.Loopback], await addresses.ResolveAsync("127.0.0.1", CancellationToken.None));
        Assert.Equal(0, resolver.Calls);
    }

    [Fact]
    public async Task An_answer_in_time_is_used_and_an_unanswered_lookup_falls_back_to_it_after_the_wait()
    {
        var resolver = new ScriptedResolver();
        var addresses = new PeerAddresses(resolver.ResolveAsync, TimeSpan.FromMilliseconds(100));
        resolver.Next = Task.FromResult(new[] { Old });
        Assert.Equal([Old], await addresses.ResolveAsync("node2", CancellationToken.None));

        resolver.Next = new TaskCompletionSource<IPAddress[]>().Task; // never answers
        var answer = addresses.ResolveAsync("node2", CancellationToken.None);
        Assert.Same(answer, await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Equal([Old], await answer);
    }

    [Fact]
    public async Task Where_the_peer_connected_from_comes_before_the_last_answer_while_the_resolver_is_silent()
    {
        var resolver = new ScriptedResolver { Next = Task.FromResult(new[] { Old }) };
        var addresses = new PeerAddresses(resolver.ResolveAsync, TimeSpan.FromMilliseconds(50));
        await addresses.ResolveAsync("node2", CancellationToken.None);

        addresses.Learn("node2", New.MapToIPv6()); // an accepted socket on a dual-mode listener
        resolver.Next = new TaskCompletionSource<IPAddress[]>().Task;
        Assert.Equal([New, Old], await addresses.ResolveAsync("node2", CancellationToken.None));
    }

    [Fact]
    public async Task A_fresh_answer_is_the_truth_and_a_name_that_is_gone_fails()
    {
        var resolver = new ScriptedResolver { Next = Task.FromResult(new[] { Old }) };
        var addresses = new PeerAddresses(resolver.ResolveAsync, TimeSpan.FromSeconds(5));
        Assert.Equal([Old], await addresses.ResolveAsync("node2", CancellationToken.None));
        resolver.Next = Task.FromResult(new[] { New });
        Assert.Equal([New], await addresses.ResolveAsync("node2", CancellationToken.None));

        resolver.Next = Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        var e = await Assert.ThrowsAsync<SocketException>(() => addresses.ResolveAsync("node2", CancellationToken.None));
        Assert.Equal(SocketError.HostNotFound, e.SocketErrorCode);
    }

    [Fact]
    public async Task A_peer_that_just_connected_is_dialled_there_at_once_even_when_the_resolver_does_not_know_it_yet()
    {
        var resolver = new ScriptedResolver { Next = Task.FromResult(new[] { Old }) };
        var addresses = new PeerAddresses(resolver.ResolveAsync, TimeSpan.FromSeconds(30));
        await addresses.ResolveAsync("node2", CancellationToken.None);
        addresses.Learn("node2", New);

        resolver.Next = new TaskCompletionSource<IPAddress[]>().Task; // silent: no 30 s wait
        var answer = addresses.ResolveAsync("node2", CancellationToken.None);
        Assert.True(answer.IsCompleted);
        Assert.Equal([New, Old], await answer);

        resolver.Next = Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        var fresh = new PeerAddresses(resolver.ResolveAsync);
        fresh.Learn("node2", New);
        Assert.Equal([New], await fresh.ResolveAsync("node2", CancellationToken.None));
    }

    [Fact]
    public async Task With_nothing_known_a_silent_resolver_is_waited_for_and_attempts_share_its_one_lookup()
    {
        var resolver = new ScriptedResolver();
        var pending = new TaskCompletionSource<IPAddress[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        resolver.Next = pending.Task;
        var addresses = new PeerAddresses(resolver.ResolveAsync, TimeSpan.FromMilliseconds(20));
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => addresses.ResolveAsync("node2", giveUp.Token));

        var second = addresses.ResolveAsync("node2", CancellationToken.None);
        var third = addresses.ResolveAsync("node2", CancellationToken.None);
        pending.SetResult([New]);
        Assert.Equal([New], await second);
        Assert.Equal([New], await third);
        Assert.Equal(1, resolver.Calls);
    }

    [Fact]
    public async Task A_restarted_peer_is_dialled_back_where_it_connected_from_while_its_name_does_not_resolve()
    {
        // Server 1 is known by a name whose lookups go unanswered (as when the container runtime's DNS is being
        // rewritten); it connects to 3 from 127.0.0.1, and 3 must dial it back there without waiting on the name.
        var ports = QuorumTestEnsemble.Servers(1, 3);
        var servers = new Dictionary<long, QuorumServer>
        {
            [1] = ports[1] with { Hostname = "one.coord.test" },
            [3] = ports[3],
        };
        var silent = new ScriptedResolver { Next = new TaskCompletionSource<IPAddress[]>().Task };
        var notifications = System.Threading.Channels.Channel.CreateUnbounded<Notification>();
        var options = QuorumTestEnsemble.FastOptions with { ConnectTimeout = TimeSpan.FromSeconds(30) };
        await using var s3 = new ElectionChannel(3, servers, false, n => notifications.Writer.TryWrite(n), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            options, addresses: new PeerAddresses(silent.ResolveAsync, TimeSpan.FromMilliseconds(100)));
        s3.Start();

        using var raw1 = new RawElectionPeer(ports[1]);
        using (await raw1.ConnectAsync(servers[3], sid: 1))
        {
        }

        using var back = await raw1.AcceptAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await raw1.ReadHandshakeAsync(back)).Sid);
    }

    private sealed class ScriptedResolver
    {
        private int _calls;

        public Task<IPAddress[]> Next { get; set; } = Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));

        public int Calls => _calls;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Next;
        }
    }
}
