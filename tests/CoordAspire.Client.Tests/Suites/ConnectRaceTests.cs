using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoordAspire.Client.Tests;

/// <summary>
/// A server in the connect string that never answers a SYN (a killed container's address, a partitioned host) is
/// raced by the next one instead of costing the client its whole connect timeout.
/// </summary>
[Collection(CoordAspireNodeCollection.Name)]
public sealed class ConnectRaceTests(CoordAspireNodeFixture server)
{
    [Fact]
    public async Task A_server_that_never_answers_is_raced_by_the_next_and_the_session_comes_from_the_one_that_answered()
    {
        using var silent = SilentServer.Start();

        // The silent server must really swallow SYNs, or this test proves nothing.
        using (var probe = new Socket(SocketType.Stream, ProtocolType.Tcp))
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await probe.ConnectAsync(silent.EndPoint, cts.Token));
        }

        var live = server.SingleServerConnectString;
        var silentHost = $"127.0.0.1:{silent.EndPoint.Port}";
        int seed = SeedPuttingFirst(silentHost, live);
        var options = new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(10), HostShuffleSeed = seed };

        var clock = Stopwatch.StartNew();
        await using var client = await ZooKeeperClient.ConnectAsync($"{silentHost},{live}", options);
        var took = clock.Elapsed;

        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.NotNull(await client.ExistsAsync("/"));

        // Alone, the silent server would have held the first attempt for 30 s / 2 servers = 15 s.
        Assert.True(took < TimeSpan.FromSeconds(5), $"connected after {took.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Dialling_one_server_at_a_time_as_the_Java_client_does_waits_on_the_silent_one()
    {
        using var silent = SilentServer.Start();
        var live = server.SingleServerConnectString;
        var silentHost = $"127.0.0.1:{silent.EndPoint.Port}";
        var options = new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(4),
            ConnectTimeout = TimeSpan.FromMilliseconds(1500),
            HostShuffleSeed = SeedPuttingFirst(silentHost, live),
            ConnectStagger = Timeout.InfiniteTimeSpan,
        };

        // 4 s / 2 servers = 2 s on the silent one first: longer than the 1.5 s this client is given.
        await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync($"{silentHost},{live}", options));
    }

    /// <summary>A shuffle seed that puts <paramref name="first"/> first (the client shuffles with <c>new Random(seed)</c>).</summary>
    private static int SeedPuttingFirst(string first, string second)
    {
        for (int seed = 0; ; seed++)
        {
            var order = new[] { first, second };
            new Random(seed).Shuffle(order);
            if (order[0] == first)
            {
                return seed;
            }
        }
    }

    /// <summary>A listener whose accept queue is full and never drained: Linux drops further SYNs, so a connect to
    /// it neither succeeds nor fails, like one to an address that vanished.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = [];

        private SilentServer(Socket listener) => _listener = listener;

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

        public static SilentServer Start()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            var silent = new SilentServer(listener);
            for (int i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                silent._fillers.Add(filler);
                _ = filler.ConnectAsync(silent.EndPoint).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }

            Thread.Sleep(100);
            return silent;
        }

        public void Dispose()
        {
            foreach (var filler in _fillers)
            {
                filler.Dispose();
            }

            _listener.Dispose();
        }
    }
}
