using System.Globalization;
using CoordAspire.AppHost;

namespace Aspire.Hosting;

/// <summary>
/// The wiring of a CoordAspire ensemble: what <c>AppHost.cs</c> calls and nothing else needs to know. Each member is a
/// named project resource (<c>node1</c>…<c>nodeN</c>, never replicas: a ZooKeeper server has an identity, its myid,
/// and a data directory that is its alone) configured the way the official ZooKeeper image is, through <c>ZOO_*</c>
/// variables.
/// </summary>
public static class CoordEnsembleExtensions
{
    /// <summary>The endpoint names: ZooKeeper's client port, the quorum (learner to leader) and election ports, and
    /// the AdminServer's HTTP port, where <c>/health</c> is.</summary>
    public const string ClientEndpoint = "client";
    public const string QuorumEndpoint = "quorum";
    public const string ElectionEndpoint = "election";
    public const string AdminEndpoint = "admin";

    /// <summary>Where the data directories go unless <c>DataDirectory</c> is configured (the tests give a temp one).</summary>
    public const string DataDirectoryKey = "DataDirectory";

    /// <summary>
    /// Adds <paramref name="size"/> nodes and a connection string resource <paramref name="name"/> listing their
    /// client endpoints (<c>host:port,host:port,…</c>, what every ZooKeeper client takes). The connection string
    /// becomes available once every node is healthy, that is, in a quorum, so <c>WaitFor</c> on it waits for the
    /// ensemble. The nodes are shown under it, each with a "Kill" command; it has "Show leader".
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddCoordEnsemble(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int size = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var dataRoot = builder.Configuration[DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, ".data");

        var nodes = Enumerable.Range(1, size).Select(id => builder.AddCoordNode(id, dataRoot)).ToList();
        var servers = ServerLines(nodes);
        foreach (var node in nodes)
        {
            node.WithEnvironment("ZOO_SERVERS", servers);
        }

        var connectionString = new ReferenceExpressionBuilder();
        foreach (var (node, index) in nodes.Select((n, i) => (n, i)))
        {
            var client = node.GetEndpoint(ClientEndpoint);
            connectionString.Append($"{(index == 0 ? "" : ",")}{client.Property(EndpointProperty.IPV4Host)}:{client.Property(EndpointProperty.Port)}");
        }

        var ensemble = builder.AddConnectionString(name, connectionString.Build());
        foreach (var node in nodes)
        {
            node.WithParentRelationship(ensemble);
            ensemble.WaitFor(node);
        }

        return ensemble.WithShowLeaderCommand(nodes);
    }

    /// <summary>
    /// One member: myid <paramref name="id"/>, its four ports, and its data directory. Locally the ports are
    /// allocated at run time and not proxied (a ZooKeeper server binds the ports its own server line names, so it
    /// must see the real ones); when published, each node is its own container with ZooKeeper's usual ports.
    /// </summary>
    private static IResourceBuilder<ProjectResource> AddCoordNode(this IDistributedApplicationBuilder builder, int id, string dataRoot)
    {
        var publish = builder.ExecutionContext.IsPublishMode;
        var node = builder.AddProject<Projects.CoordAspire_Node>($"node{id}")
            .WithEndpoint(targetPort: publish ? 2181 : null, scheme: "tcp", name: ClientEndpoint, isProxied: publish)
            .WithEndpoint(targetPort: publish ? 2888 : null, scheme: "tcp", name: QuorumEndpoint, isProxied: publish)
            .WithEndpoint(targetPort: publish ? 3888 : null, scheme: "tcp", name: ElectionEndpoint, isProxied: publish)
            .WithHttpEndpoint(targetPort: publish ? 8080 : null, name: AdminEndpoint, env: "ZOO_ADMINSERVER_PORT", isProxied: publish)
            .WithHttpHealthCheck("/health", endpointName: AdminEndpoint)
            .WithEnvironment("ZOO_MY_ID", id.ToString(CultureInfo.InvariantCulture))
            // The image's volume path when published; locally a directory per node that outlives AppHost runs, so a
            // restarted node recovers its log and snapshots as a restarted ZooKeeper server does.
            .WithEnvironment("ZOO_DATA_DIR", publish ? "/data" : Path.Combine(dataRoot, $"node{id}"))
            .WithEnvironment("ZOO_4LW_COMMANDS_WHITELIST", "*")
            .WithKillCommand();
        if (publish)
        {
            // In a container app a node's own name resolves to its app's ingress, not to an address of its container,
            // so it could not bind its quorum and election ports there: listen on every address, as ZooKeeper's
            // Kubernetes deployments do for the same reason.
            node.WithEnvironment("ZOO_CFG_EXTRA", "quorumListenOnAllIPs=true");
        }

        return node;
    }

    /// <summary>
    /// <c>server.N=host:quorumPort:electionPort;clientPort</c> for every member, itself included, in the
    /// <c>ZOO_SERVERS</c> form (blank-separated). Each node binds the ports of its own line and dials the others'.
    /// </summary>
    private static ReferenceExpression ServerLines(List<IResourceBuilder<ProjectResource>> nodes)
    {
        var servers = new ReferenceExpressionBuilder();
        foreach (var (node, index) in nodes.Select((n, i) => (n, i)))
        {
            var quorum = node.GetEndpoint(QuorumEndpoint);
            var election = node.GetEndpoint(ElectionEndpoint);
            var client = node.GetEndpoint(ClientEndpoint);
            servers.AppendLiteral(index == 0 ? $"server.{index + 1}=" : $" server.{index + 1}=");
            servers.Append($"{quorum.Property(EndpointProperty.IPV4Host)}:{quorum.Property(EndpointProperty.TargetPort)}:{election.Property(EndpointProperty.TargetPort)};{client.Property(EndpointProperty.TargetPort)}");
        }

        return servers.Build();
    }
}
