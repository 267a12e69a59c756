using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Client.Tests;

/// <summary>
/// Our client with <see cref="ZooKeeperClientOptions.CanBeReadOnly"/> against an ensemble in read-only mode — ours
/// (enabled by <c>-Dreadonlymode.enabled=true</c> in SERVER_JVMFLAGS) and Apache ZooKeeper's (the same flag on its
/// command line, with the localSessionsEnabled its read-only server needs): two of three members killed, the client
/// is ConnectedReadOnly on the survivor, reads, gets NotReadOnlyException for writes and sync; a client without the
/// option is refused, and so is a session that began read-write (it waits, Disconnected); the two come back and the
/// client is Connected again, on a new session, and writes, and the older session resumes with its ephemeral.
/// </summary>
public abstract class ReadOnlyModeTests(bool apache)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static ZooKeeperClientOptions Options(bool canBeReadOnly) => new()
    {
        CanBeReadOnly = canBeReadOnly,
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(20),
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        ReconnectJitter = TimeSpan.FromMilliseconds(50),
    };

    private Task<EnsembleUnderTest> StartEnsembleAsync() => EnsembleUnderTest.StartAsync(
        3, apache: apache, extraConfig: apache ? ["localSessionsEnabled=true", "localSessionsUpgradingEnabled=true"] : [], jvmFlags: ["-Dreadonlymode.enabled=true"]);

    [Fact]
    public async Task ReadOnly_a_CanBeReadOnly_client_reads_from_the_survivor_and_moves_back_to_read_write()
    {
        await using var ensemble = await StartEnsembleAsync();
        var survivor = ensemble[1];
        await using (var writer = await ZooKeeperClient.ConnectAsync(survivor.ConnectString, Options(false)))
        {
            await writer.CreateAsync("/ro", "before"u8.ToArray());
        }

        // A session that began read-write may not be downgraded: it waits, Disconnected, and resumes afterwards.
        var veteranOptions = Options(true);
        veteranOptions.SessionTimeout = TimeSpan.FromSeconds(20);
        await using var veteran = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, veteranOptions);
        long veteranSession = veteran.SessionId;
        await veteran.CreateAsync("/veteran", Array.Empty<byte>(), Protocol.CreateMode.Ephemeral);

        await EnsembleUnderTest.KillAsync(ensemble[2]);
        await EnsembleUnderTest.KillAsync(ensemble[3]);
        await EventuallyAsync(async () => await survivor.ModeAsync() == "read-only", "the survivor did not become read-only");

        await using var client = await ZooKeeperClient.ConnectAsync(ensemble.ConnectString, Options(true));
        var states = new ConcurrentQueue<ConnectionState>();
        client.StateChanged += (_, e) => states.Enqueue(e.Current);
        Assert.Equal(ConnectionState.ConnectedReadOnly, client.State);
        Assert.Equal(survivor.ConnectString, client.ConnectedServer);
        long readOnlySession = client.SessionId;

        var (data, _) = await client.GetDataAsync("/ro");
        Assert.Equal("before", Encoding.UTF8.GetString(data));
        await Assert.ThrowsAsync<NoNodeException>(async () => await client.GetDataAsync("/missing"));
        await Assert.ThrowsAsync<NotReadOnlyException>(async () => await client.CreateAsync("/new", Array.Empty<byte>()));
        await Assert.ThrowsAsync<NotReadOnlyException>(async () => await client.SetDataAsync("/ro", Array.Empty<byte>()));
        await Assert.ThrowsAsync<NotReadOnlyException>(async () => await client.SyncAsync("/ro"));
        Assert.Equal(ConnectionState.ConnectedReadOnly, client.State);

        // Without the option the survivor refuses the client: no session at all.
        var refusedOptions = Options(false);
        refusedOptions.ConnectTimeout = TimeSpan.FromSeconds(3);
        await Assert.ThrowsAsync<ConnectionLossException>(async () => await ZooKeeperClient.ConnectAsync(survivor.ConnectString, refusedOptions));

        Assert.Equal(ConnectionState.Disconnected, veteran.State);

        await ensemble.RestartAsync(ensemble[2]);
        await ensemble.RestartAsync(ensemble[3]);
        await EventuallyAsync(() => Task.FromResult(client.State == ConnectionState.Connected), "the client did not move back to read-write", TimeSpan.FromSeconds(60));
        await client.CreateAsync("/after", Array.Empty<byte>());
        Assert.NotEqual(readOnlySession, client.SessionId);
        Assert.Equal([ConnectionState.Disconnected, ConnectionState.Connected], states.Distinct().Take(2));

        await EventuallyAsync(() => Task.FromResult(veteran.State == ConnectionState.Connected), "the read-write session did not resume");
        Assert.Equal(veteranSession, veteran.SessionId);
        Assert.Equal(veteranSession, (await veteran.ExistsAsync("/veteran"))?.EphemeralOwner);
    }

    [Fact]
    public async Task ReadOnly_the_client_asks_the_other_servers_with_isro_and_moves_to_the_first_read_write_one()
    {
        // A read-only server and, in the same connect string, a standalone server that starts later: the read-only
        // server stays read-only, so only the client's own search (isro → rw) can move it.
        await using var ensemble = await StartEnsembleAsync();
        var survivor = ensemble[1];
        await EnsembleUnderTest.KillAsync(ensemble[2]);
        await EnsembleUnderTest.KillAsync(ensemble[3]);
        await EventuallyAsync(async () => await survivor.ModeAsync() == "read-only", "the survivor did not become read-only");

        int standalonePort = FreePort.Next();
        var options = Options(true);
        options.HostShuffleSeed = 1;
        await using var client = await ZooKeeperClient.ConnectAsync($"{survivor.ConnectString},127.0.0.1:{standalonePort}", options);
        Assert.Equal(ConnectionState.ConnectedReadOnly, client.State);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a few probes find nothing: the standalone server is not up

        await using var standalone = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions { Port = standalonePort });
        var moved = Stopwatch.StartNew();
        await EventuallyAsync(() => Task.FromResult(client.State == ConnectionState.Connected), "the client did not find the read-write server", TimeSpan.FromSeconds(20));
        Assert.Equal($"127.0.0.1:{standalonePort}", client.ConnectedServer);
        Assert.Equal("read-only", await survivor.ModeAsync());
        await client.CreateAsync("/written-after-the-move", Array.Empty<byte>());
        Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), $"took {moved.Elapsed}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < (within ?? Timeout), what);
            await Task.Delay(50);
        }
    }
}

public sealed class CoordAspireReadOnlyModeTests() : ReadOnlyModeTests(apache: false)
{
}

public sealed class ApacheReadOnlyModeTests() : ReadOnlyModeTests(apache: true)
{
}
