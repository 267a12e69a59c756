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
