using System.Collections.Concurrent;
using System.Text;
using CoordAspire.Client;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Persistence;

/// <summary>
/// An acknowledged write survives <c>kill -9</c>. Writers run flat out against a real Node process, recording every
/// write the server acknowledged; the process is killed with SIGKILL at a random moment, restarted on the same
/// dataDir, and every acknowledged write must be there; a multi must be there whole or not at all.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Rounds = 4;
    private const int Writers = 4;

    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL()
    {
        var directory = Directory.CreateTempSubdirectory("coordaspire-crash-").FullName;
        int port = FreePort.Next();
        var random = new Random(20261125);
        var acknowledged = new ConcurrentQueue<(string Path, string Data)>();
        var pairs = new ConcurrentQueue<int>();
        int pairCounter = 0;
        try
        {
            for (int round = 0; round < Rounds; round++)
            {
                await using var node = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions { ExistingDirectory = directory, Port = port });
                await VerifyAsync(node.ConnectString, acknowledged, pairs);

                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, Writers)
                    .Select(w => WriteUntilKilledAsync(node.ConnectString, $"r{round}w{w}", acknowledged, pairs, () => Interlocked.Increment(ref pairCounter), stop.Token))
                    .ToArray();

                await Task.Delay(random.Next(300, 1200));
                await node.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            await using var last = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions { ExistingDirectory = directory, Port = port });
            int verified = await VerifyAsync(last.ConnectString, acknowledged, pairs);
            Assert.True(verified > 100, $"only {verified} writes were acknowledged: the test did not exercise the log");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WriteUntilKilledAsync(
        string connectString,
        string prefix,
        ConcurrentQueue<(string, string)> acknowledged,
        ConcurrentQueue<int> pairs,
        Func<int> nextPair,
        CancellationToken stop)
    {
        ZooKeeperClient client;
        try
        {
            client = await ZooKeeperClient.ConnectAsync(connectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(10) }, stop);
        }
        catch (Exception e) when (e is KeeperException or OperationCanceledException)
        {
            return;
        }

        await using (client)
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    if (i % 5 == 4)
                    {
                        int pair = nextPair();
                        await client.Transaction()
                            .Create($"/pair-a-{pair}", Encoding.UTF8.GetBytes("a"))
                            .Create($"/pair-b-{pair}", Encoding.UTF8.GetBytes("b"))
                            .CommitAsync(stop);
                        pairs.Enqueue(pair);
                    }
                    else
                    {
                        string path = $"/{prefix}-{i}";
                        string data = $"value of {path}";
                        await client.CreateAsync(path, Encoding.UTF8.GetBytes(data), cancellationToken: stop);
                        acknowledged.Enqueue((path, data));
                    }
                }
                catch (Exception e) when (e is KeeperException or OperationCanceledException or ObjectDisposedException)
                {
                    // Killed mid-request: the outcome of that one write is unknown, so it is not recorded.
                    return;
                }
            }
        }
    }

    /// <summary>Every acknowledged write is there with its data; every multi is all there or all absent.</summary>
    private static async Task<int> VerifyAsync(string connectString, ConcurrentQueue<(string Path, string Data)> acknowledged, ConcurrentQueue<int> pairs)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(connectString);
        int count = 0;
        foreach (var (path, data) in acknowledged)
        {
            var (bytes, _) = await client.GetDataAsync(path);
            Assert.Equal(data, Encoding.UTF8.GetString(bytes));
            count++;
        }

        foreach (int pair in pairs)
        {
            Assert.NotNull(await client.ExistsAsync($"/pair-a-{pair}"));
            Assert.NotNull(await client.ExistsAsync($"/pair-b-{pair}"));
            count++;
        }

        var children = await client.GetChildrenAsync("/");
        var halves = children.Where(c => c.StartsWith("pair-", StringComparison.Ordinal)).Select(c => c[7..]).GroupBy(c => c);
        Assert.All(halves, g => Assert.Equal(2, g.Count()));
        return count;
    }
}
