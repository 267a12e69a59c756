using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoordAspire.Client.Tests;

/// <summary>
/// The search for a read-write server from a read-only one (ClientCnxn.pingRwServer): the other servers are asked
/// <c>isro</c> over real loopback sockets, the pause between probes doubles from 100 ms up to the maximum, the
/// server the client is on is not asked, and the first <c>rw</c> ends the search and resets the pause.
/// </summary>
public sealed class ReadWriteServerSeekerTests
{
    [Fact]
    public async Task Asks_the_other_servers_with_isro_backs_off_and_stops_at_the_first_rw()
    {
        var answers = new Queue<string>(["null", "ro", "null", "rw"]);
        var probes = new List<(TimeSpan At, string Word)>();
        var clock = Stopwatch.StartNew();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                using var socket = await listener.AcceptSocketAsync();
                var word = new byte[4];
                int read = 0;
                while (read < 4)
                {
                    read += await socket.ReceiveAsync(word.AsMemory(read), SocketFlags.None);
                }

                lock (probes)
                {
                    probes.Add((clock.Elapsed, Encoding.ASCII.GetString(word)));
                }

                await socket.SendAsync(Encoding.ASCII.GetBytes(answers.Dequeue()), SocketFlags.None);
                socket.Shutdown(SocketShutdown.Both);
            }
        });

        var current = new DnsEndPoint("127.0.0.1", 1); // the read-only server the client is on: never asked
        var other = new DnsEndPoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        var seeker = new ReadWriteServerSeeker(new HostProvider([current, other], new Random(1)), maxInterval: TimeSpan.FromMilliseconds(400));

        var found = await seeker.FindAsync(current, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        var foundAt = clock.Elapsed;
        await serving.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(other, found);
        Assert.Equal(["isro", "isro", "isro", "isro"], probes.Select(p => p.Word));
        Assert.Equal(ReadWriteServerSeeker.MinInterval, seeker.NextInterval);

        // Pauses of 100, 200, 400, 400… ms, every other one ending at the server we are on (skipped): probes of
        // the other server are never closer than two pauses, and the cap keeps the whole search short (uncapped,
        // the fourth probe would come after 0.3 + 1.2 + 4.8 + 19.2 s). Upper bounds are loose: the machine is shared.
        var gaps = probes.Zip(probes.Skip(1), (a, b) => b.At - a.At).ToList();
        string timeline = $"probes at {string.Join(", ", probes.Select(p => p.At))}; found at {foundAt}";
        Assert.True(probes[0].At >= TimeSpan.FromMilliseconds(90), timeline);
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromMilliseconds(550), timeline));
        Assert.True(foundAt < TimeSpan.FromSeconds(8), timeline);
    }

    [Fact]
    public async Task A_server_that_is_down_is_not_read_write()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Assert.False(await ReadWriteServerSeeker.IsReadWriteAsync(new DnsEndPoint("127.0.0.1", closedPort), CancellationToken.None));
    }
}
