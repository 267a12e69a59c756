using CoordAspire.Client.Tests;

// One deployment, broken by the tests in turns: nothing here runs beside anything else.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace CoordAspire.Deploy.Tests;

// The client suites that pass against Apache ZooKeeper and against a local ensemble, now against the containers: the
// same requests over real network namespaces, through the images a user deploys.

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerOperationTests(ComposeEnsembleFixture deployment) : OperationTests(deployment);

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerWatchTests(ComposeEnsembleFixture deployment) : WatchTests(deployment);

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerMultiTests(ComposeEnsembleFixture deployment) : MultiTests(deployment);

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerSessionTests(ComposeEnsembleFixture deployment) : SessionTests(deployment);

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerLockRecipeTests(ComposeEnsembleFixture deployment) : LockRecipeTests(deployment);

[Collection(ComposeEnsembleCollection.Name)]
public sealed class ContainerLeaderRecipeTests(ComposeEnsembleFixture deployment) : LeaderRecipeTests(deployment);
