using System.Collections.Concurrent;
using System.Text;
using CoordAspire.Client;

namespace CoordAspire.AppHost.Tests;

/// <summary>
/// The dashboard's "Kill" (SIGKILL) and Aspire's own Start, as a person would use them to crash a node and bring it
/// back: the node recovers its data, a killed leader is replaced without losing an acknowledged write, a node that
/// was down catches up. Each test leaves every node running again, whatever happens, for the next one.
/// </summary>
public sealed class FailoverTests(EnsembleFixture ensemble) : IClassFixture<EnsembleFixture>
{

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_killed_node_comes_back_with_its_data()
    {
        var path = $"/failover-{Guid.NewGuid():N}";
        await using (var client = await ensemble.ConnectAsync("node3"))
        {
            await client.CreateAsync(path, "before the kill"u8.ToArray());
        }

        try
        {
            await KillAsync("node3");
            Assert.Equal("down", await ensemble.ModeAsync("node3"));
        }
        finally
        {
            await StartAsync("node3");
        }

        await using var again = await ensemble.ConnectAsync("node3");
        var (data, _) = await again.GetDataAsync(path);
        Assert.Equal("before the kill", Encoding.UTF8.GetString(data));
    }

    [Fact]
    public async Task Killing_the_leader_elects_a_new_one_and_loses_no_acknowledged_write()
    {
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        var survivors = EnsembleFixture.Nodes.Where(n => n != leader).ToArray();
        var root = $"/failover-{Guid.NewGuid():N}";
        await using var client = await ensemble.ConnectAsync(survivors);
        await client.CreateAsync(root);

        // A writer that records only what the ensemble acknowledged; a write that failed (connection loss while
        // there is no leader) may or may not have happened, and is not counted either way.
        var acknowledged = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    acknowledged.Enqueue(await client.CreateAsync($"{root}/w{i:D6}", cancellationToken: stop.Token));
                }
                catch (KeeperException)
                {
                    await Task.Delay(100);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await KillAsync(leader);
            var newLeader = await ensemble.WaitForLeaderAsync(survivors, Timeout);
            Assert.NotEqual(leader, newLeader);
            // The dashboard follows: the new leader is shown as such, the killed one as down.
            await ensemble.WaitForRoleAsync(newLeader, "leader", TimeSpan.FromSeconds(10));
            await ensemble.WaitForRoleAsync(leader, "down", TimeSpan.FromSeconds(10));
            var countAtElection = acknowledged.Count;
            while (acknowledged.Count < countAtElection + 10)
            {
                await Task.Delay(100); // the ensemble takes writes again
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
            await StartAsync(leader);
        }

        foreach (var node in survivors)
        {
            await using var reader = await ensemble.ConnectAsync(node);
            await reader.SyncAsync(root);
            var children = (await reader.GetChildrenAsync(root)).ToHashSet();
            var lost = acknowledged.Select(p => p[(root.Length + 1)..]).Where(c => !children.Contains(c)).ToList();
            Assert.True(lost.Count == 0, $"{node} lacks {lost.Count} acknowledged writes, e.g. {string.Join(", ", lost.Take(5))}");
        }
    }

    [Fact]
    public async Task A_restarted_node_catches_up_with_what_it_missed()
    {
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        var victim = EnsembleFixture.Nodes.First(n => n != leader);
        var root = $"/catch-up-{Guid.NewGuid():N}";
        try
        {
            await KillAsync(victim);
            await using var writer = await ensemble.ConnectAsync([.. EnsembleFixture.Nodes.Where(n => n != victim)]);
            await writer.CreateAsync(root);
            for (int i = 0; i < 50; i++)
            {
                await writer.CreateAsync($"{root}/missed{i:D2}", Encoding.UTF8.GetBytes($"written while {victim} was down"));
            }
        }
        finally
        {
            await StartAsync(victim);
        }

        Assert.Equal("follower", await ensemble.ModeAsync(victim));
        await using var reader = await ensemble.ConnectAsync(victim);
        var children = await reader.GetChildrenAsync(root);
        Assert.Equal(50, children.Count);
    }

    private async Task KillAsync(string node)
    {
        var result = await ensemble.ExecuteCommandAsync(node, "kill");
        Assert.True(result.Success, result.Message);
        using var timeout = new CancellationTokenSource(Timeout);
        await ensemble.Notifications.WaitForResourceAsync(
            node, [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart], timeout.Token);
    }

    /// <summary>Aspire's own Start command, as the dashboard's button; then waits for the node to serve again.</summary>
    private async Task StartAsync(string node)
    {
        var result = await ensemble.ExecuteCommandAsync(node, KnownResourceCommands.StartCommand);
        Assert.True(result.Success, result.Message);
        using var timeout = new CancellationTokenSource(Timeout);
        await ensemble.Notifications.WaitForResourceAsync(node, KnownResourceStates.Running, timeout.Token);
        while (await ensemble.ModeAsync(node) is "down" or "looking")
        {
            await Task.Delay(200, timeout.Token);
        }

        await ensemble.Notifications.WaitForResourceHealthyAsync(node, timeout.Token);
    }
}
