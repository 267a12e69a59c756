using CoordAspire.Node.Tests.Harness;
using Xunit.Abstractions;

namespace CoordAspire.FaultInjection.Tests.Faults;

/// <summary>The partition does what it says: a leader cut off stops leading, the others elect a new one, and the
/// old one follows again once healed — while its clients still reach it.</summary>
[Collection(FaultRunCollection.Name)]
public sealed class NetworkPartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_leader_cut_off_from_the_others_is_replaced_and_rejoins_when_healed()
    {
        var (partition, unavailable) = await NetworkPartition.TryCreateAsync();
        Assert.True(partition is not null, $"iptables is needed for partitions (./test.sh installs it): {unavailable}");
        await using var _ = partition;
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, ownNetworkGroups: true);
        try
        {
            var leader = await ensemble.WaitForLeaderAsync();
            await partition.IsolateAsync(leader, ensemble.Members);

            // The old leader gives up within syncLimit ticks; the two others elect one of themselves.
            var replacement = await ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(30), not: leader.Id);
            Assert.NotEqual(leader.Id, replacement.Id);
            await WaitForModeAsync(leader, mode => mode is not "leader", TimeSpan.FromSeconds(30));

            await partition.HealAsync();
            await WaitForModeAsync(leader, mode => mode is "follower", TimeSpan.FromSeconds(30));
        }
        catch
        {
            output.WriteLine(await ensemble.DescribeAsync());
            throw;
        }
    }

    private static async Task WaitForModeAsync(EnsembleUnderTest.Member member, Func<string?, bool> wanted, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? mode = null;
        while (!deadline.IsCancellationRequested)
        {
            // srvr goes to the client port, which the partition leaves open.
            mode = await member.ModeAsync();
            if (wanted(mode))
            {
                return;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        Assert.Fail($"{member} still in mode '{mode ?? "not serving"}' after {timeout}");
    }
}
