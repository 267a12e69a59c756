using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace Aspire.Hosting;

/// <summary>
/// <c>builder.AddCoordEnsemble&lt;Projects.CoordAspire_Node&gt;("coord")</c>: a CoordAspire ensemble in any AppHost.
/// Each member is a named project resource (<c>node1</c>…<c>nodeN</c>) configured the way the official ZooKeeper
/// image is, through <c>ZOO_*</c> variables; the ensemble is a <see cref="CoordEnsembleResource"/>, their parent.
/// </summary>
public static class CoordEnsembleBuilderExtensions
{
    /// <summary>Where <see cref="WithDataVolume"/> puts the data directories unless <c>DataDirectory</c> is configured
    /// (the tests give a temp one); the default is <c>.data</c> beside the AppHost.</summary>
    public const string DataDirectoryKey = "DataDirectory";

    /// <summary>
    /// Adds <paramref name="size"/> members of project <typeparamref name="TNode"/> (the Node, as the AppHost's
    /// generated <c>Projects.*</c> names it) and the ensemble <paramref name="name"/>: its connection string lists
    /// their client endpoints and becomes available once every member is healthy, that is, in a quorum. Each member
    /// has Aspire's health check on <c>/health</c>, a "Kill" command and its role (leader, follower, …) as a live
    /// property; the ensemble has "Show leader", and publishes a Docker Compose file and Kubernetes manifests.
    /// </summary>
    public static IResourceBuilder<CoordEnsembleResource> AddCoordEnsemble<TNode>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int size = 3)
        where TNode : IProjectMetadata, new() =>
        builder.AddCoordEnsemble(name, size, nodeName => builder.AddProject<TNode>(nodeName));

    /// <summary>
    /// <see cref="AddCoordEnsemble{TNode}"/> for an AppHost that names the Node's project by its path (a .csproj,
    /// absolute or relative to the AppHost's directory) rather than through a generated <c>Projects.*</c> type.
    /// </summary>
    public static IResourceBuilder<CoordEnsembleResource> AddCoordEnsemble(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string nodeProjectPath, int size = 3) =>
        builder.AddCoordEnsemble(name, size, nodeName => builder.AddProject(nodeName, nodeProjectPath));

    private static IResourceBuilder<CoordEnsembleResource> AddCoordEnsemble(
        this IDistributedApplicationBuilder builder, string name, int size, Func<string, IResourceBuilder<ProjectResource>> addNode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 255); // ZooKeeper's myids, by convention
        var ensemble = builder.AddResource(new CoordEnsembleResource(name))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "CoordEnsemble",
                State = KnownResourceStates.NotStarted,
                Properties = [new(CustomResourceKnownProperties.Source, $"{size} members")],
            });

        var nodes = Enumerable.Range(1, size).Select(id => builder.AddCoordNode(ensemble, id, addNode)).ToList();
        var servers = ServerLines(ensemble.Resource);
        foreach (var node in nodes)
        {
            node.WithEnvironment("ZOO_SERVERS", servers)
                .WithParentRelationship(ensemble);
            ensemble.WaitFor(node);
        }

        return ensemble
            .OnInitializeResource(async (resource, e, cancellationToken) =>
            {
                // As Aspire's own AddConnectionString does: BeforeResourceStartedEvent is where the WaitFor on every
                // member happens; then the connection string is available, and the ensemble Running.
                try
                {
                    await e.Eventing.PublishAsync(new BeforeResourceStartedEvent(resource, e.Services), cancellationToken);
                }
                catch (DistributedApplicationException)
                {
                    // A member failed to start (WaitFor says which, in the ensemble's log): no quorum to connect to.
                    await e.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart });
                    return;
                }

                await e.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running });
                await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, e.Services), cancellationToken);
            })
            .WithRoleMonitor()
            .WithShowLeaderCommand()
            .WithCoordPublishing();
    }

    /// <summary>
    /// Keeps each member's data: locally in a directory per member under <paramref name="localRoot"/> (default: the
    /// <c>DataDirectory</c> setting, else <c>.data</c> beside the AppHost), which outlives AppHost runs, so a restarted
    /// node recovers its log and snapshots as a restarted ZooKeeper server does; published, a named volume per member
    /// (compose) or a volume claim per pod (Kubernetes) at <c>/data</c>. Without it, a local run gets fresh
    /// directories and a container keeps its data only as long as the container.
    /// </summary>
    public static IResourceBuilder<CoordEnsembleResource> WithDataVolume(this IResourceBuilder<CoordEnsembleResource> ensemble, string? localRoot = null)
    {
        var configuration = ensemble.ApplicationBuilder.Configuration;
        var root = localRoot ?? configuration[DataDirectoryKey] ?? Path.Combine(ensemble.ApplicationBuilder.AppHostDirectory, ".data");
        return ensemble.WithAnnotation(new CoordDataVolumeAnnotation(root), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// One member: myid <paramref name="id"/>, its four ports, and its data directory. Locally the ports are
    /// allocated at run time and not proxied (a ZooKeeper server binds the ports its own server line names, so it
    /// must see the real ones); when published, each node is its own container with ZooKeeper's usual ports.
    /// </summary>
    private static IResourceBuilder<ProjectResource> AddCoordNode(
        this IDistributedApplicationBuilder builder, IResourceBuilder<CoordEnsembleResource> ensemble, int id,
        Func<string, IResourceBuilder<ProjectResource>> addNode)
    {
        var publish = builder.ExecutionContext.IsPublishMode;
        // A run's own directories when the ensemble keeps no data volume: a member restarted within the run still
        // finds its log (a crash is survivable), the next run starts empty.
        var runRoot = Path.Combine(Path.GetTempPath(), "coordaspire", $"{ensemble.Resource.Name}-{Environment.ProcessId}");
        var node = addNode($"node{id}")
            .WithEndpoint(targetPort: publish ? CoordEnsembleResource.ClientPort : null, scheme: "tcp", name: CoordEnsembleResource.ClientEndpointName, isProxied: publish)
            .WithEndpoint(targetPort: publish ? CoordEnsembleResource.QuorumPort : null, scheme: "tcp", name: CoordEnsembleResource.QuorumEndpointName, isProxied: publish)
            .WithEndpoint(targetPort: publish ? CoordEnsembleResource.ElectionPort : null, scheme: "tcp", name: CoordEnsembleResource.ElectionEndpointName, isProxied: publish)
            .WithHttpEndpoint(targetPort: publish ? CoordEnsembleResource.AdminPort : null, name: CoordEnsembleResource.AdminEndpointName, env: "ZOO_ADMINSERVER_PORT", isProxied: publish)
            .WithHttpHealthCheck("/health", endpointName: CoordEnsembleResource.AdminEndpointName)
            .WithEnvironment("ZOO_MY_ID", id.ToString(CultureInfo.InvariantCulture))
            // The image's volume path when published; locally a directory per node.
            .WithEnvironment(context => context.EnvironmentVariables["ZOO_DATA_DIR"] = publish
                ? "/data"
                : Path.Combine(ensemble.Resource.TryGetLastAnnotation<CoordDataVolumeAnnotation>(out var volume) ? volume.LocalRoot : runRoot, $"node{id}"))
            .WithEnvironment("ZOO_4LW_COMMANDS_WHITELIST", "*")
            .WithKillCommand();
        if (publish)
        {
            // In a container app a node's own name resolves to its app's ingress, not to an address of its container,
            // so it could not bind its quorum and election ports there: listen on every address, as ZooKeeper's
            // Kubernetes deployments do for the same reason.
            node.WithEnvironment("ZOO_CFG_EXTRA", "quorumListenOnAllIPs=true");
        }

        ensemble.Resource.AddNode(node.Resource);
        return node;
    }

    /// <summary>
    /// <c>server.N=host:quorumPort:electionPort;clientPort</c> for every member, itself included, in the
    /// <c>ZOO_SERVERS</c> form (blank-separated). Each node binds the ports of its own line and dials the others'.
    /// </summary>
    private static ReferenceExpression ServerLines(CoordEnsembleResource ensemble)
    {
        var servers = new ReferenceExpressionBuilder();
        for (int i = 0; i < ensemble.Nodes.Count; i++)
        {
            var node = ensemble.Nodes[i];
            var quorum = node.GetEndpoint(CoordEnsembleResource.QuorumEndpointName);
            var election = node.GetEndpoint(CoordEnsembleResource.ElectionEndpointName);
            var client = node.GetEndpoint(CoordEnsembleResource.ClientEndpointName);
            servers.AppendLiteral(i == 0 ? $"server.{i + 1}=" : $" server.{i + 1}=");
            servers.Append($"{quorum.Property(EndpointProperty.IPV4Host)}:{quorum.Property(EndpointProperty.TargetPort)}:{election.Property(EndpointProperty.TargetPort)};{client.Property(EndpointProperty.TargetPort)}");
        }

        return servers.Build();
    }
}
