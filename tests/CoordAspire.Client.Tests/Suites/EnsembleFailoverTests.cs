using CoordAspire.Client.Recipes;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>
/// What a client sees when the server it talks to dies (SIGKILL) in a three-member ensemble: it reconnects to another
/// member within its session timeout and keeps its session — its ephemerals, its watches, the locks it holds. The
/// same tests run against Apache ZooKeeper's ensemble, started from the very same zoo.cfg files, and against ours.
/// Each test has an ensemble of its own, since it kills members.
/// </summary>
public abstract class EnsembleFailoverTests(bool apache)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static ZooKeeperClientOptions Options() => new()
    {
        SessionTimeout = TimeSpan.FromSeconds(8),
        ReconnectDelay = TimeSpan.FromMilliseconds(100),
        ReconnectJitter = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Killing_the_server_a_client_is_connected_to_keeps_its_session_ephemerals_watches_and_locks()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, apache: apache);
        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options());
        await using var other = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options());
        long sessionId = client.SessionId;
        await client.CreateAsync("/mine", Array.Empty<byte>(), CreateMode.Ephemeral);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.ExistsAsync("/watched", e =>
        {
            if (e.Path == "/watched")
            {
                changed.TrySetResult();
            }
        });
        var mutex = new DistributedLock(client, "/lock");
        await using var held = await mutex.AcquireAsync();

        string server = client.ConnectedServer!;
        var member = ensemble.Members.Single(m => m.ConnectString == server);
        await EnsembleUnderTest.KillAsync(member);

        // Back on another member with the same session.
        await EventuallyAsync(() => client.ConnectedServer is { } now && now != server, "the client did not move to another member");
        Assert.Equal(sessionId, client.SessionId);

        await other.SyncAsync("/");
        var stat = await other.ExistsAsync("/mine");
        Assert.True(stat is not null, $"{ensemble.Name}: the ephemeral of a session that moved is gone");
        Assert.Equal(sessionId, stat.Value.EphemeralOwner);

        await other.CreateAsync("/watched");
        await changed.Task.WaitAsync(Timeout);

        // The lock is still ours: another session cannot take it.
        Assert.Null(await new DistributedLock(other, "/lock").TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Two_workers_never_hold_the_lock_together_while_servers_die()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, apache: apache);
        int inside = 0, overlaps = 0, acquisitions = 0;
        using var stop = new CancellationTokenSource();

        async Task WorkAsync()
        {
            await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options());
            var mutex = new DistributedLock(client, "/work-lock");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var handle = await mutex.AcquireAsync(stop.Token);
                    if (Interlocked.Increment(ref inside) > 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    Interlocked.Increment(ref acquisitions);
                    await Task.Delay(5, CancellationToken.None);
                    Interlocked.Decrement(ref inside);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (KeeperException)
                {
                    // ConnectionLoss while a member dies: the recipe's state is the session's, which lives on.
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }

        var workers = new[] { WorkAsync(), WorkAsync() };
        await Task.Delay(1000);
        await EnsembleUnderTest.KillAsync(ensemble.Members[0]);
        await Task.Delay(1500);
        await ensemble.RestartAsync(ensemble.Members[0]);
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(0, overlaps);
        Assert.True(acquisitions > 10, $"{ensemble.Name}: only {acquisitions} acquisitions");
    }

    [Fact]
    public async Task A_session_that_goes_silent_expires_on_the_leader_and_its_ephemerals_go_from_every_member()
    {
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, apache: apache);
        var options = Options();
        options.SessionTimeout = TimeSpan.FromSeconds(2);
        await using var silent = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, options);
        await silent.CreateAsync("/short-lived", Array.Empty<byte>(), CreateMode.Ephemeral);

        // No pings and no requests: only the leader decides the session is over, whichever member the client is on.
        silent.TestHooks.SuppressPings = true;
        foreach (var member in ensemble.Members)
        {
            await using var reader = await ZooKeeperClient.ConnectAsync(member.ConnectString, Options());
            await EventuallyAsync(
                async () =>
                {
                    await reader.SyncAsync("/");
                    return await reader.ExistsAsync("/short-lived") is null;
                },
                $"{ensemble.Name}: the expired session's ephemeral is still on {member}");
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(100);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
        }
    }
}

public sealed class ApacheEnsembleFailoverTests() : EnsembleFailoverTests(apache: true)
{
}

public sealed class CoordAspireEnsembleFailoverTests() : EnsembleFailoverTests(apache: false)
{
}
