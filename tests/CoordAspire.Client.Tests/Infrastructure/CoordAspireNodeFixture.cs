using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Client.Tests;

/// <summary>
/// A three-member CoordAspire ensemble, run as real processes the way a user runs it, for a whole collection of client
/// suites: the connect string lists every member, so each client talks to a random one (a follower two times in
/// three, whose writes go through the leader).
/// </summary>
public sealed class CoordAspireNodeFixture : IZooKeeperServerFixture, IAsyncLifetime
{
    /// <summary>The ensemble's tickTime (EnsembleUnderTest writes it into every member's zoo.cfg).</summary>
    private const int TickTimeMs = 1000;
    private EnsembleUnderTest? _ensemble;

    public string Name => "CoordAspire ensemble";

    public string ConnectString => Ensemble.ConnectString;

    public string SingleServerConnectString => Ensemble.Members[0].ConnectString;

    public string ConnectStringForTest(int seed) => Ensemble.Members[seed % Ensemble.Members.Count].ConnectString;

    public TimeSpan MinSessionTimeout => TimeSpan.FromMilliseconds(2 * TickTimeMs);

    public EnsembleUnderTest Ensemble => _ensemble ?? throw new InvalidOperationException("the ensemble is not started");

    public Task<string> FourLetterWordAsync(string word) =>
        ServerUnderTest.SendFourLetterWordAsync("127.0.0.1", Ensemble.Members[0].ClientPort, word);

    public async Task InitializeAsync() => _ensemble = await EnsembleUnderTest.StartAsync(3);

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
        {
            await _ensemble.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CoordAspireNodeCollection : ICollectionFixture<CoordAspireNodeFixture>
{
    public const string Name = "CoordAspire";
}

/// <summary>Its own ensemble, for suites that measure the whole process: xunit runs it after the parallel collections, with nothing beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoordAspireNodeAloneCollection : ICollectionFixture<CoordAspireNodeFixture>
{
    public const string Name = "CoordAspire (alone)";
}
