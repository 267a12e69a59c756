using System.Globalization;
using System.Text;
using CoordAspire.Node.Tests.Harness;
using Xunit.Abstractions;

namespace CoordAspire.Client.Tests;

/// <summary>
/// Ensembles where Apache ZooKeeper servers and ours serve together, with real clients on the Apache members: the
/// way a user drops a Node into a running ensemble.
/// </summary>
[Collection(MixedEnsembleCollection.Name)]
public sealed class MixedEnsembleTests(ITestOutputHelper output)
{
    /// <summary>
    /// Two clients of a follower each send a write, a sync and a read back to back, 300 times; the follower
    /// forwards the writes and the syncs to the leader. Each reply must come in order and the read must see the write. With our
    /// leader and Apache followers this caught the leader answering the sync (both arrived in one batch) before the
    /// write's COMMIT: Apache's follower then answered the sync first, and the client saw its replies out of order
    /// ("xids do not match" in kazoo; our client drops the connection). The other direction has an Apache leader
    /// and a client of our follower.
    /// </summary>
    [JavaTheory]
    [InlineData("ours leading, the client on an Apache follower", 3, 1)]
    [InlineData("Apache leading, the client on our follower", 3, 2)]
    public async Task A_followers_client_gets_its_pipelined_write_sync_and_read_answered_in_order(string layout, long leaderId, long clientOn)
    {
        // In the first layout only server 3 is ours; in the second only server 2 is.
        bool oursLeads = layout.StartsWith("ours", StringComparison.Ordinal);
        long ours = oursLeads ? leaderId : clientOn;
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, apacheMembers: id => id != ours);
        try
        {
            await ensemble.MakeLeaderAsync(ensemble[leaderId]);
            var follower = ensemble[clientOn];
            Assert.Equal("follower", await follower.ModeAsync());

            // Two sessions at once: the follower's forwarded writes and syncs interleave, and the leader must answer
            // each sync between the COMMITs of what came before and after it.
            int disconnects = 0;
            async Task SessionAsync(int n)
            {
                await using var client = await ZooKeeperClient.ConnectAsync(follower.ConnectString, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(10) });
                client.StateChanged += (_, e) =>
                {
                    if (e.Current is ConnectionState.Disconnected or ConnectionState.Expired)
                    {
                        Interlocked.Increment(ref disconnects);
                    }
                };
                string path = $"/order{n}";
                await client.CreateAsync(path, "0"u8.ToArray());
                for (int i = 1; i <= 300; i++)
                {
                    var write = client.SetDataAsync(path, Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture))).AsTask();
                    var sync = client.SyncAsync(path).AsTask();
                    var read = client.GetDataAsync(path).AsTask();
                    await Task.WhenAll(write, sync, read);
                    Assert.Equal(i.ToString(CultureInfo.InvariantCulture), Encoding.ASCII.GetString((await read).Data));
                }
            }

            await Task.WhenAll(SessionAsync(1), SessionAsync(2));
            Assert.Equal(0, Volatile.Read(ref disconnects));
        }
        catch
        {
            output.WriteLine(await ensemble.DescribeAsync());
            throw;
        }
    }
}

/// <summary>Mixed ensembles run with nothing beside them: five JVMs and Nodes on two cores are enough.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MixedEnsembleCollection
{
    public const string Name = "Mixed ensembles";
}
