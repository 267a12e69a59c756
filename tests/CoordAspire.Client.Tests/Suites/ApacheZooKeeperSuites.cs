namespace CoordAspire.Client.Tests;

// Every client suite against a real Apache ZooKeeper 3.8. CoordAspire's Node gets the same list with its own fixture.

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheOperationTests(ApacheZooKeeperFixture server) : OperationTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheChrootTests(ApacheZooKeeperFixture server) : ChrootTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApachePipeliningTests(ApacheZooKeeperFixture server) : PipeliningTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheWatchTests(ApacheZooKeeperFixture server) : WatchTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheMultiTests(ApacheZooKeeperFixture server) : MultiTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheSessionTests(ApacheZooKeeperFixture server) : SessionTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheTelemetryTests(ApacheZooKeeperFixture server) : TelemetryTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheLockRecipeTests(ApacheZooKeeperFixture server) : LockRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheReadWriteLockRecipeTests(ApacheZooKeeperFixture server) : ReadWriteLockRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheLeaderRecipeTests(ApacheZooKeeperFixture server) : LeaderRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheCoordinationRecipeTests(ApacheZooKeeperFixture server) : CoordinationRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheCacheRecipeTests(ApacheZooKeeperFixture server) : CacheRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheServiceDiscoveryRecipeTests(ApacheZooKeeperFixture server) : ServiceDiscoveryRecipeTests(server);

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheHostingTests(ApacheZooKeeperFixture server) : HostingTests(server);

// Measures the whole process: a collection of its own, run after the parallel ones with nothing beside it.
[Collection(ApacheZooKeeperAloneCollection.Name)]
public sealed class ApacheAllocationTests(ApacheZooKeeperFixture server) : AllocationTests(server);
