using System.Diagnostics;
using System.Net;

namespace CoordAspire.Client.Tests;

/// <summary>StaticHostProvider's round robin and its pause after a fruitless round.</summary>
public sealed class HostProviderTests
{
    private static readonly DnsEndPoint[] Servers = [new("a", 1), new("b", 2), new("c", 3)];

    [Fact]
    public async Task Visits_every_server_once_per_round_in_a_shuffled_order()
    {
        var provider = new HostProvider(Servers, new Random(1));
        var round = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            round.Add((await provider.NextAsync(TimeSpan.Zero, default)).Host);
        }

        Assert.Equal(["a", "b", "c"], round.Order());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(round[i], (await provider.NextAsync(TimeSpan.Zero, default)).Host);
        }
    }

    [Fact]
    public async Task Pauses_when_a_round_ends_without_a_connection()
    {
        var provider = new HostProvider(Servers, new Random(1));
        var delay = TimeSpan.FromMilliseconds(200);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            await provider.NextAsync(delay, default);
        }

        Assert.True(clock.Elapsed < delay, "the first round must not pause");
        provider.OnConnected(); // connected to the third server
        clock.Restart();
        await provider.NextAsync(delay, default);
        await provider.NextAsync(delay, default);
        Assert.True(clock.Elapsed < delay, "moving on after a connection must not pause");
        await provider.NextAsync(delay, default); // back at the server we were connected to
        Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(20), $"expected a pause, took {clock.Elapsed}");
    }
}
