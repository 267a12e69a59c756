using YamlDotNet.RepresentationModel;

namespace CoordAspire.AppHost.Tests.Deployment;

/// <summary>The committed compose file, parsed, against the deployment contract: services, network, volumes, health.</summary>
public sealed class ComposeFileTests
{
    private static readonly string Directory = Path.Combine(Repository.Root(), "deploy", "compose");

    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    [Fact]
    public void Every_service_is_there_on_the_one_internal_network()
    {
        var compose = Load();
        var services = Map(compose, "services");
        Assert.Equal(["dashboard", "node1", "node2", "node3", "sample"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Order());
        var network = Map(Map(compose, "networks"), "coord");
        Assert.Equal("true", Scalar(network, "internal"));
        foreach (var (_, service) in services.Children)
        {
            Assert.Equal(["coord"], ((YamlSequenceNode)((YamlMappingNode)service)["networks"]).Children.Select(n => ((YamlScalarNode)n).Value));
            Assert.Equal("unless-stopped", Scalar((YamlMappingNode)service, "restart"));
        }
    }

    [Fact]
    public void Each_node_has_its_name_its_volume_its_myid_and_the_Nodes_own_health_check()
    {
        var compose = Load();
        var services = Map(compose, "services");
        Assert.Equal(Nodes.Select(n => n + "-data"), Map(compose, "volumes").Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        for (int i = 0; i < Nodes.Length; i++)
        {
            var node = Map(services, Nodes[i]);
            Assert.Equal(Nodes[i], Scalar(node, "hostname"));
            Assert.Equal(Nodes[i], Scalar(node, "container_name"));
            Assert.Equal("${COORD_NODE_IMAGE}", Scalar(node, "image"));
            Assert.Equal([$"{Nodes[i]}-data:/data"], ((YamlSequenceNode)node["volumes"]).Children.Select(n => ((YamlScalarNode)n).Value));
            var env = Map(node, "environment");
            Assert.Equal($"{i + 1}", Scalar(env, "ZOO_MY_ID"));
            Assert.Equal("server.1=node1:2888:3888;2181 server.2=node2:2888:3888;2181 server.3=node3:2888:3888;2181", Scalar(env, "ZOO_SERVERS"));
            Assert.Equal("http://dashboard:18890", Scalar(env, "OTEL_EXPORTER_OTLP_ENDPOINT"));
            Assert.Equal("http/protobuf", Scalar(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
            Assert.Equal(["CMD", "/app/CoordAspire.Node", "status"],
                ((YamlSequenceNode)Map(node, "healthcheck")["test"]).Children.Select(n => ((YamlScalarNode)n).Value));
        }
    }

    [Fact]
    public void The_sample_lists_every_node_and_starts_once_they_are_healthy()
    {
        var sample = Map(Map(Load(), "services"), "sample");
        Assert.Equal("${COORD_SAMPLE_IMAGE}", Scalar(sample, "image"));
        Assert.Equal("node1:2181,node2:2181,node3:2181", Scalar(Map(sample, "environment"), "ConnectionStrings__coord"));
        var dependsOn = Map(sample, "depends_on");
        foreach (var node in Nodes)
        {
            Assert.Equal("service_healthy", Scalar(Map(dependsOn, node), "condition"));
        }
    }

    [Fact]
    public void The_env_file_names_the_images_the_contract_gives()
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, ".env")).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(
            ["COORD_DASHBOARD_IMAGE=localhost/coordaspire-dashboard:latest", "COORD_NODE_IMAGE=localhost/coordaspire-node:latest", "COORD_SAMPLE_IMAGE=localhost/coordaspire-sample:latest"],
            lines.Order());
        var dashboard = Map(Map(Load(), "services"), "dashboard");
        Assert.Equal("${COORD_DASHBOARD_IMAGE}", Scalar(dashboard, "image"));
        Assert.Equal("http://0.0.0.0:18889", Scalar(Map(dashboard, "environment"), "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"));
        Assert.Equal("http://0.0.0.0:18890", Scalar(Map(dashboard, "environment"), "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"));
    }

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Directory, "docker-compose.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value;
}
