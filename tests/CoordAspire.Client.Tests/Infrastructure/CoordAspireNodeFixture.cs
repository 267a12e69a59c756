using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Client.Tests;

/// <summary>One CoordAspire Node, run as a real process the way a user runs it, for a whole collection of client suites.</summary>
public sealed class CoordAspireNodeFixture : IZooKeeperServerFixture, IAsyncLifetime
{
    private const int TickTimeMs = 1000;
    private ServerUnderTest? _server;

    public string Name => "CoordAspire";

    public string ConnectString => Server.ConnectString;

    public TimeSpan MinSessionTimeout => TimeSpan.FromMilliseconds(2 * TickTimeMs);

    private ServerUnderTest Server => _server ?? throw new InvalidOperationException("the server is not started");

    public Task<string> FourLetterWordAsync(string word) => Server.FourLetterWordAsync(word);

    public async Task InitializeAsync() =>
        _server = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions { TickTimeMs = TickTimeMs, ContainerCheckIntervalMs = 1000 });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CoordAspireNodeCollection : ICollectionFixture<CoordAspireNodeFixture>
{
    public const string Name = "CoordAspire";
}

/// <summary>Its own Node, for suites that measure the whole process: xunit runs it after the parallel collections, with nothing beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoordAspireNodeAloneCollection : ICollectionFixture<CoordAspireNodeFixture>
{
    public const string Name = "CoordAspire (alone)";
}
