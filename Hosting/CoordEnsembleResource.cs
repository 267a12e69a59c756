using System.Collections.ObjectModel;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A CoordAspire (ZooKeeper-compatible) ensemble: its members are project resources of their own (<c>node1</c>…,
/// never replicas: a ZooKeeper server has an identity, its myid, and a data directory that is its alone), shown as
/// its children; it is the connection string <c>host:port,host:port,…</c> that every ZooKeeper client takes. Not run
/// by DCP: it is Running once every member is healthy (in a quorum), so <c>WaitFor</c> on it waits for the ensemble.
/// </summary>
public sealed class CoordEnsembleResource(string name) : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The endpoint names of a member: ZooKeeper's client port, the quorum (learner to leader) and election
    /// ports, and the AdminServer's HTTP port, where <c>/health</c> and <c>/commands/*</c> are.</summary>
    public const string ClientEndpointName = "client";
    public const string QuorumEndpointName = "quorum";
    public const string ElectionEndpointName = "election";
    public const string AdminEndpointName = "admin";

    /// <summary>ZooKeeper's usual ports: what a member listens on in a container, where it has its own address.</summary>
    public const int ClientPort = 2181;
    public const int QuorumPort = 2888;
    public const int ElectionPort = 3888;
    public const int AdminPort = 8080;

    private readonly List<ProjectResource> _nodes = [];

    /// <summary>The members in myid order: <c>Nodes[i]</c> is <c>server.(i+1)</c>.</summary>
    public ReadOnlyCollection<ProjectResource> Nodes => _nodes.AsReadOnly();

    internal void AddNode(ProjectResource node) => _nodes.Add(node);

    /// <summary>Every member's client endpoint, comma-separated, in myid order.</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var connectionString = new ReferenceExpressionBuilder();
            for (int i = 0; i < _nodes.Count; i++)
            {
                var client = _nodes[i].GetEndpoint(ClientEndpointName);
                connectionString.Append($"{(i == 0 ? "" : ",")}{client.Property(EndpointProperty.IPV4Host)}:{client.Property(EndpointProperty.Port)}");
            }

            return connectionString.Build();
        }
    }
}
