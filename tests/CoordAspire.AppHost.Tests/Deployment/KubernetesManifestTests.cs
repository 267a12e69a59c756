using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace CoordAspire.AppHost.Tests.Deployment;

/// <summary>
/// The committed Kubernetes manifests, read back strictly into KubernetesClient's typed models (generated from the
/// Kubernetes OpenAPI schema: a field the schema lacks, a misspelt one or one at the wrong level, fails the read),
/// and checked for what a ZooKeeper ensemble on Kubernetes needs.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Directory = Path.Combine(Repository.Root(), "deploy", "kubernetes");

    private static readonly Dictionary<string, Type> Kinds = new()
    {
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["v1/Service"] = typeof(V1Service),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
    };

    [Fact]
    public void Every_manifest_the_kustomization_lists_is_a_schema_typed_object_with_no_unknown_field()
    {
        var resources = Kustomization().Children[new YamlScalarNode("resources")];
        var files = ((YamlSequenceNode)resources).Children.Select(n => ((YamlScalarNode)n).Value!).ToList();
        Assert.Equal(
            System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(),
            files.Order());
        foreach (var file in files)
        {
            var objects = Load(file);
            Assert.Single(objects);
            Assert.Contains(objects[0].GetType(), Kinds.Values);
        }
    }

    [Fact]
    public void A_strict_read_rejects_a_field_the_schema_does_not_have()
    {
        // The check above is only worth something if the strict read fails on an unknown field.
        var yaml = File.ReadAllText(Path.Combine(Directory, "coord-pdb.yaml")).Replace("maxUnavailable: 1", "maxUnavailable: 1\n  maxUnavaliable: 1", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, KindTypes(), strict: true));
    }

    [Fact]
    public void The_ensemble_is_a_parallel_StatefulSet_whose_pods_take_their_myid_from_the_ordinal()
    {
        var statefulSet = Single<V1StatefulSet>("coord-statefulset.yaml");
        Assert.Equal(3, statefulSet.Spec.Replicas);
        Assert.Equal("Parallel", statefulSet.Spec.PodManagementPolicy);
        Assert.Equal("coord-headless", statefulSet.Spec.ServiceName);

        var pod = statefulSet.Spec.Template.Spec;
        var node = Assert.Single(pod.Containers);
        Assert.DoesNotContain(node.Env, e => e.Name == "ZOO_MY_ID");
        var ordinal = Assert.Single(node.Env, e => e.Name == "ZOO_MY_ID_FROM_ORDINAL");
        Assert.Equal("metadata.name", ordinal.ValueFrom.FieldRef.FieldPath);

        // Pod coord-i is server.(i+1), at its stable name under the headless Service.
        var servers = node.Env.Single(e => e.Name == "ZOO_SERVERS").Value.Split(' ');
        Assert.Equal(
            ["server.1=coord-0.coord-headless:2888:3888;2181", "server.2=coord-1.coord-headless:2888:3888;2181", "server.3=coord-2.coord-headless:2888:3888;2181"],
            servers);
        // ...and the Node's own rule turns those pod names into those ids.
        for (int i = 0; i < 3; i++)
        {
            var name = $"{statefulSet.Metadata.Name}-{i}";
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                CoordAspire.Configuration.ZooEnvironment.MyId(v => v == "ZOO_MY_ID_FROM_ORDINAL" ? name : v == "ZOO_SERVERS" ? string.Join(' ', servers) : null));
        }

        Assert.Equal("/health", node.ReadinessProbe.HttpGet.Path);
        Assert.Equal("8080", node.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("/alive", node.LivenessProbe.HttpGet.Path);
        Assert.Equal("8080", node.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal([2181, 2888, 3888, 8080], node.Ports.Select(p => p.ContainerPort));

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(1654, pod.SecurityContext.RunAsUser);
        Assert.Equal(1654, pod.SecurityContext.FsGroup);
        var antiAffinity = Assert.Single(pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", antiAffinity.TopologyKey);
        Assert.Equal(statefulSet.Spec.Selector.MatchLabels, antiAffinity.LabelSelector.MatchLabels);

        var claim = Assert.Single(statefulSet.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("/data", Assert.Single(node.VolumeMounts, m => m.Name == "data").MountPath);
    }

    [Fact]
    public void Peers_resolve_each_other_before_they_are_ready_and_clients_reach_only_ready_ones()
    {
        var statefulSet = Single<V1StatefulSet>("coord-statefulset.yaml");
        var headless = Single<V1Service>("coord-headless-service.yaml");
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.True(headless.Spec.PublishNotReadyAddresses);
        Assert.Equal([2888, 3888], headless.Spec.Ports.Select(p => p.Port));
        Assert.Equal(statefulSet.Spec.Template.Metadata.Labels, headless.Spec.Selector);

        var client = Single<V1Service>("coord-service.yaml");
        Assert.NotEqual(true, client.Spec.PublishNotReadyAddresses);
        Assert.Equal(2181, Assert.Single(client.Spec.Ports).Port);
        Assert.Equal(statefulSet.Spec.Template.Metadata.Labels, client.Spec.Selector);
    }

    [Fact]
    public void The_disruption_budget_lets_one_member_go_at_a_time()
    {
        var statefulSet = Single<V1StatefulSet>("coord-statefulset.yaml");
        var budget = Single<V1PodDisruptionBudget>("coord-pdb.yaml");
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal(statefulSet.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
    }

    [Fact]
    public void The_sample_is_a_Deployment_that_lists_every_member_and_exports_to_the_dashboard()
    {
        var sample = Single<V1Deployment>("sample-deployment.yaml");
        var env = Assert.Single(sample.Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("coord-0.coord-headless:2181,coord-1.coord-headless:2181,coord-2.coord-headless:2181", env["ConnectionStrings__coord"]);
        Assert.Equal("http://dashboard:18890", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal([18888, 18889, 18890], Single<V1Service>("dashboard-service.yaml").Spec.Ports.Select(p => p.Port));
    }

    private static T Single<T>(string file) => Assert.IsType<T>(Assert.Single(Load(file)));

    private static List<object> Load(string file) =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Directory, file)), KindTypes(), strict: true);

    private static Dictionary<string, Type> KindTypes() => new(Kinds);

    private static YamlMappingNode Kustomization()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Directory, "kustomization.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
