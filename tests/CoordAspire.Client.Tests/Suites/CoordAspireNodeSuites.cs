namespace CoordAspire.Client.Tests;

// The same client suites against our Node: whatever passes against Apache ZooKeeper must pass here too.

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeOperationTests(CoordAspireNodeFixture server) : OperationTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeChrootTests(CoordAspireNodeFixture server) : ChrootTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodePipeliningTests(CoordAspireNodeFixture server) : PipeliningTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeWatchTests(CoordAspireNodeFixture server) : WatchTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeMultiTests(CoordAspireNodeFixture server) : MultiTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeSessionTests(CoordAspireNodeFixture server) : SessionTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeTelemetryTests(CoordAspireNodeFixture server) : TelemetryTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeLockRecipeTests(CoordAspireNodeFixture server) : LockRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeReadWriteLockRecipeTests(CoordAspireNodeFixture server) : ReadWriteLockRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeLeaderRecipeTests(CoordAspireNodeFixture server) : LeaderRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeCoordinationRecipeTests(CoordAspireNodeFixture server) : CoordinationRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeCacheRecipeTests(CoordAspireNodeFixture server) : CacheRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeServiceDiscoveryRecipeTests(CoordAspireNodeFixture server) : ServiceDiscoveryRecipeTests(server);

[Collection(CoordAspireNodeCollection.Name)]
public sealed class NodeHostingTests(CoordAspireNodeFixture server) : HostingTests(server);

// Measures the whole process: a collection of its own, run after the parallel ones with nothing beside it.
[Collection(CoordAspireNodeAloneCollection.Name)]
public sealed class NodeAllocationTests(CoordAspireNodeFixture server) : AllocationTests(server);
