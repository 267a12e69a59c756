#pragma warning disable ASPIREPIPELINES001 // the ensemble registers its publishing as a pipeline step: checked here
using Aspire.Hosting.Pipelines;

namespace CoordAspire.AppHost.Tests;

/// <summary>
/// The hosting integration's model, as any AppHost gets it from <c>AddCoordEnsemble</c>, without running it: the
/// ensemble is a resource of its own type, the nodes its children, and what it wires is there.
/// </summary>
public sealed class CoordEnsembleResourceTests
{
    [Fact]
    public void The_ensemble_is_a_connection_string_resource_whose_nodes_are_its_children()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var coord = builder.AddCoordEnsemble<Projects.CoordAspire_Node>("coord");

        var ensemble = Assert.IsType<CoordEnsembleResource>(coord.Resource);
        Assert.IsAssignableFrom<IResourceWithConnectionString>(ensemble);
        Assert.Equal(["node1", "node2", "node3"], ensemble.Nodes.Select(n => n.Name));
        Assert.Equal(ensemble.Nodes, builder.Resources.OfType<ProjectResource>());
        Assert.Equal(
            "{node1.bindings.client.host}:{node1.bindings.client.port},{node2.bindings.client.host}:{node2.bindings.client.port},{node3.bindings.client.host}:{node3.bindings.client.port}",
            ensemble.ConnectionStringExpression.ValueExpression);

        foreach (var node in ensemble.Nodes)
        {
            var parent = Assert.Single(node.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent");
            Assert.Same(ensemble, parent.Resource);
            Assert.Contains(ensemble.Annotations.OfType<WaitAnnotation>(), w => w.Resource == node && w.WaitType == WaitType.WaitUntilHealthy);
            Assert.NotEmpty(node.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Contains(node.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "kill");
            Assert.Equal(
                [CoordEnsembleResource.ClientEndpointName, CoordEnsembleResource.QuorumEndpointName, CoordEnsembleResource.ElectionEndpointName, CoordEnsembleResource.AdminEndpointName],
                node.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name));
        }

        Assert.Contains(ensemble.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "show-leader");
        Assert.Single(ensemble.Annotations.OfType<PipelineStepAnnotation>());
    }

    [Fact]
    public void An_AppHost_without_generated_project_types_names_the_Node_by_its_path()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var path = Path.Combine(Repository.Root(), "Node", "CoordAspire.Node.csproj");
        var ensemble = builder.AddCoordEnsemble("zk", path, size: 1).Resource;
        var node = Assert.Single(ensemble.Nodes);
        Assert.Equal("node1", node.Name);
        Assert.Equal(path, node.GetProjectMetadata().ProjectPath);
    }

    [Fact]
    public async Task Each_member_is_told_its_myid_and_every_server_line()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var ensemble = builder.AddCoordEnsemble<Projects.CoordAspire_Node>("coord", size: 5).Resource;

        Assert.Equal(5, ensemble.Nodes.Count);
        for (int i = 0; i < 5; i++)
        {
            var env = await EnvironmentAsync(builder, ensemble.Nodes[i]);
            Assert.Equal($"{i + 1}", env["ZOO_MY_ID"]);
            var servers = Assert.IsType<ReferenceExpression>(env["ZOO_SERVERS"]).ValueExpression.Split(' ');
            Assert.Equal(5, servers.Length);
            Assert.Equal("server.5={node5.bindings.quorum.host}:{node5.bindings.quorum.targetPort}:{node5.bindings.election.targetPort};{node5.bindings.client.targetPort}", servers[4]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => DistributedApplication.CreateBuilder([]).AddCoordEnsemble<Projects.CoordAspire_Node>("coord", size: 0));
    }

    [Fact]
    public async Task WithDataVolume_keeps_a_directory_per_member_and_without_it_a_run_has_its_own()
    {
        var root = Path.Combine(Path.GetTempPath(), "coordaspire-volume-test");
        var kept = DistributedApplication.CreateBuilder([$"--{CoordEnsembleBuilderExtensions.DataDirectoryKey}={root}"]);
        var withVolume = kept.AddCoordEnsemble<Projects.CoordAspire_Node>("coord").WithDataVolume().Resource;
        Assert.Equal(Path.Combine(root, "node2"), (await EnvironmentAsync(kept, withVolume.Nodes[1]))["ZOO_DATA_DIR"]);

        var explicitRoot = DistributedApplication.CreateBuilder([]);
        var elsewhere = explicitRoot.AddCoordEnsemble<Projects.CoordAspire_Node>("coord").WithDataVolume("/srv/coord").Resource;
        Assert.Equal(Path.Combine("/srv/coord", "node1"), (await EnvironmentAsync(explicitRoot, elsewhere.Nodes[0]))["ZOO_DATA_DIR"]);

        var fresh = DistributedApplication.CreateBuilder([]);
        var withoutVolume = fresh.AddCoordEnsemble<Projects.CoordAspire_Node>("coord").Resource;
        var dataDir = Assert.IsType<string>((await EnvironmentAsync(fresh, withoutVolume.Nodes[0]))["ZOO_DATA_DIR"]);
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "coordaspire", $"coord-{Environment.ProcessId}"), dataDir, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Published_members_use_the_images_data_volume_and_ZooKeepers_usual_ports()
    {
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "manifest"]);
        var ensemble = builder.AddCoordEnsemble<Projects.CoordAspire_Node>("coord").WithDataVolume().Resource;
        var env = await EnvironmentAsync(builder, ensemble.Nodes[0]);
        Assert.Equal("/data", env["ZOO_DATA_DIR"]);
        Assert.Equal("quorumListenOnAllIPs=true", env["ZOO_CFG_EXTRA"]);
        Assert.Equal([2181, 2888, 3888, 8080], ensemble.Nodes[0].Annotations.OfType<EndpointAnnotation>().Select(e => e.TargetPort));
    }

    [Fact]
    public void The_ensembles_summary_names_the_leader_first()
    {
        Assert.Equal("node2 leader · node1 follower · node3 looking",
            RoleMonitor.Summary([("node1", "follower"), ("node2", "leader"), ("node3", "looking")]));
    }

    private static async Task<Dictionary<string, object>> EnvironmentAsync(IDistributedApplicationBuilder builder, ProjectResource node)
    {
        var env = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(builder.ExecutionContext, node, env);
        foreach (var callback in node.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return env;
    }
}
