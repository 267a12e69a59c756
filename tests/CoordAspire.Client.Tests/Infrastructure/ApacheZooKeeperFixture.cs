using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Client.Tests;

/// <summary>One real standalone Apache ZooKeeper 3.8 (Debian's jars) for a whole collection of client suites.</summary>
public sealed class ApacheZooKeeperFixture : IZooKeeperServerFixture, IAsyncLifetime
{
    private const int TickTimeMs = 1000;
    private ServerUnderTest? _server;

    public string Name => "Apache ZooKeeper";

    public string ConnectString => Server.ConnectString;

    public TimeSpan MinSessionTimeout => TimeSpan.FromMilliseconds(2 * TickTimeMs);

    private ServerUnderTest Server => _server ?? throw new InvalidOperationException("the server is not started");

    public Task<string> FourLetterWordAsync(string word) => Server.FourLetterWordAsync(word);

    public async Task InitializeAsync() =>
        _server = await ApacheZooKeeperServer.StartAsync(new ApacheZooKeeperServerOptions { TickTimeMs = TickTimeMs, ContainerCheckIntervalMs = 1000 });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApacheZooKeeperCollection : ICollectionFixture<ApacheZooKeeperFixture>
{
    public const string Name = "Apache ZooKeeper";
}

/// <summary>Its own server, for suites that measure the whole process: xunit runs it after the parallel collections, with nothing beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApacheZooKeeperAloneCollection : ICollectionFixture<ApacheZooKeeperFixture>
{
    public const string Name = "Apache ZooKeeper (alone)";
}
