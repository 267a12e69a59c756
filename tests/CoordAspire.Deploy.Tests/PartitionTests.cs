using CoordAspire.Client;
using Xunit.Abstractions;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// A real partition: the leader's container taken off the deployment's network (<c>podman network disconnect</c>
/// removes its interface from the bridge, so its network namespace can reach no peer and no peer it), then put back.
/// The majority elects a new leader and goes on taking writes; the cut-off member stops serving within syncLimit; put
/// back, it follows the new leader with everything written meanwhile.
/// </summary>
[Collection(ComposeEnsembleCollection.Name)]
public sealed class PartitionTests(ComposeEnsembleFixture deployment, ITestOutputHelper output)
{
    [Fact]
    public async Task The_leader_cut_off_from_the_network_steps_down_and_catches_up_when_it_is_back()
    {
        var leader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        var container = await deployment.Deployment.ContainerAsync(leader);
        var majority = ComposeDeployment.Nodes.Where(n => n != leader).ToList();
        await using var writes = await AcknowledgedWrites.StartAsync(
            string.Join(',', majority.Select(deployment.Endpoint)), "/partition-" + Guid.NewGuid().ToString("N")[..8]);
        await writes.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));

        var cutAt = writes.Now;
        await Podman.RunAsync("network", "disconnect", deployment.Deployment.NetworkName, container);
        try
        {
            var newLeader = await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(60), majority);
            output.WriteLine($"{leader} (the leader) cut off: {newLeader} leads {(writes.Now - cutAt).TotalMilliseconds:F0} ms later");
            await writes.WaitForMoreAsync(200, TimeSpan.FromSeconds(30));

            // The minority side: the node's own status verb, run inside its container (the host cannot reach it now).
            var stepDown = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var status = await Podman.TryAsync("exec", container, "/app/CoordAspire.Node", "status");
                if (status.ExitCode != 0)
                {
                    output.WriteLine($"{leader} stopped serving {stepDown.ElapsedMilliseconds} ms after the new leader served: {status.Stdout.Trim()} {status.Stderr.Trim()}");
                    break;
                }

                Assert.True(stepDown.Elapsed < TimeSpan.FromSeconds(30), $"{leader}, cut off, still says it serves: {status.Stdout}");
                await Task.Delay(200);
            }
        }
        finally
        {
            await Podman.RunAsync("network", "connect", deployment.Deployment.NetworkName, container);
        }

        var back = writes.Now;
        await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{leader} back on the network: all three serve {(writes.Now - back).TotalMilliseconds:F0} ms later (address now {deployment.Endpoint(leader)})");
        await writes.StopAsync();
        await using var reader = await ZooKeeperClient.ConnectAsync(deployment.Endpoint(leader), AcknowledgedWrites.ClientOptions());
        var missing = await writes.MissingAsync(reader);
        Assert.True(missing.Count == 0, $"{missing.Count} of {writes.Acknowledged.Count} writes acknowledged during the partition are missing on {leader}: {string.Join(", ", missing.Take(10))}");
    }
}
