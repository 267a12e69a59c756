using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// Plain Kubernetes manifests and their <c>kustomization.yaml</c>, from KubernetesClient's typed models (generated
/// from the Kubernetes OpenAPI schema, so a field that is not in the schema cannot be written): the ensemble as a
/// StatefulSet, as ZooKeeper is run on Kubernetes (the kubernetes.io ZooKeeper tutorial's shape): stable pod names
/// for the server lines, a volume claim per pod, a headless Service for the quorum and election ports, a client
/// Service, a PodDisruptionBudget that keeps a quorum through a drain; every other project as a Deployment, and the
/// dashboard.
/// </summary>
internal static class KubernetesWriter
{
    public const string KustomizationFileName = "kustomization.yaml";

    /// <summary>The image's non-root user (<c>app</c>, as in Microsoft's .NET images).</summary>
    private const long AppUser = 1654;

    public static async Task WriteAsync(DeploymentModel deployment, DistributedApplicationExecutionContext executionContext, string directory, CancellationToken cancellationToken)
    {
        var ensemble = deployment.Ensemble;
        var name = ensemble.Name;
        var headless = $"{name}-headless";
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/component"] = "ensemble" };

        // A StatefulSet's pods share one template: the member's environment is the same for all but ZOO_MY_ID, which
        // the pod derives from its ordinal (coord-0 is server.1). Pod i's stable name is coord-i.coord-headless.
        string PodHost(ProjectResource node) => $"{name}-{ensemble.Nodes.IndexOf(node)}.{headless}";
        var environments = new List<SortedDictionary<string, string>>();
        foreach (var node in ensemble.Nodes)
        {
            var environment = await deployment.EnvironmentAsync(node, PodHost, executionContext, cancellationToken);
            environment.Remove("ZOO_MY_ID");
            environment.Remove("OTEL_SERVICE_NAME");
            environments.Add(environment);
        }

        if (environments.Any(e => !e.SequenceEqual(environments[0])))
        {
            throw new InvalidOperationException($"the members of {name} differ in more than ZOO_MY_ID, so they cannot share a StatefulSet's pod template");
        }

        var nodeEnvironment = environments[0].Select(e => Env(e.Key, e.Value)).ToList();
        nodeEnvironment.Add(FieldEnv("ZOO_MY_ID_FROM_ORDINAL", "metadata.name"));
        nodeEnvironment.Add(FieldEnv("OTEL_SERVICE_NAME", "metadata.name"));

        var statefulSet = new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = headless,
                Replicas = ensemble.Nodes.Count,
                // Every member at once: an ensemble has no order of start, and OrderedReady would wait for coord-0 to
                // be ready, which it is only once a quorum (coord-1) is up.
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate" },
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        // One member per machine: two on one machine would be lost together, and with them the quorum.
                        Affinity = new V1Affinity
                        {
                            PodAntiAffinity = new V1PodAntiAffinity
                            {
                                RequiredDuringSchedulingIgnoredDuringExecution =
                                [
                                    new V1PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = new V1LabelSelector { MatchLabels = labels } },
                                ],
                            },
                        },
                        SecurityContext = PodSecurity(),
                        TerminationGracePeriodSeconds = 30,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "node",
                                Image = $"{DeploymentModel.NodeImage}:latest",
                                ImagePullPolicy = "IfNotPresent",
                                Ports =
                                [
                                    ContainerPort(CoordEnsembleResource.ClientPort, CoordEnsembleResource.ClientEndpointName),
                                    ContainerPort(CoordEnsembleResource.QuorumPort, CoordEnsembleResource.QuorumEndpointName),
                                    ContainerPort(CoordEnsembleResource.ElectionPort, CoordEnsembleResource.ElectionEndpointName),
                                    ContainerPort(CoordEnsembleResource.AdminPort, CoordEnsembleResource.AdminEndpointName),
                                ],
                                Env = nodeEnvironment,
                                // Ready = in a quorum and serving (/health); alive = the process answers (/alive). A member
                                // that is looking is not restarted for it, only taken out of the client Service.
                                ReadinessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/health", Port = CoordEnsembleResource.AdminPort },
                                    InitialDelaySeconds = 5,
                                    PeriodSeconds = 5,
                                    FailureThreshold = 3,
                                },
                                LivenessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/alive", Port = CoordEnsembleResource.AdminPort },
                                    InitialDelaySeconds = 10,
                                    PeriodSeconds = 10,
                                    FailureThreshold = 6,
                                },
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("256Mi") },
                                },
                                SecurityContext = ContainerSecurity(),
                                VolumeMounts = deployment.HasDataVolume ? [new V1VolumeMount { MountPath = "/data", Name = "data" }] : null,
                            },
                        ],
                        Volumes = deployment.HasDataVolume ? null : [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }],
                    },
                },
                VolumeClaimTemplates = deployment.HasDataVolume
                    ?
                    [
                        new V1PersistentVolumeClaim
                        {
                            Metadata = new V1ObjectMeta { Name = "data" },
                            Spec = new V1PersistentVolumeClaimSpec
                            {
                                AccessModes = ["ReadWriteOnce"],
                                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                            },
                        },
                    ]
                    : null,
            },
        };
        if (!deployment.HasDataVolume)
        {
            statefulSet.Spec.Template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { MountPath = "/data", Name = "data" }];
        }

        var headlessService = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = headless, Labels = labels },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                // Members must resolve one another before they are ready: they become ready only by electing a leader.
                PublishNotReadyAddresses = true,
                Selector = labels,
                Ports =
                [
                    ServicePort(CoordEnsembleResource.QuorumPort, CoordEnsembleResource.QuorumEndpointName),
                    ServicePort(CoordEnsembleResource.ElectionPort, CoordEnsembleResource.ElectionEndpointName),
                ],
            },
        };

        var clientService = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = labels,
                Ports = [ServicePort(CoordEnsembleResource.ClientPort, CoordEnsembleResource.ClientEndpointName)],
            },
        };

        var disruptionBudget = new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            // A drain takes one member at a time: 3 members keep a quorum of 2 (5 would keep 4, and could spare 2,
            // but one at a time is what a rolling drain needs and never risks the quorum).
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = labels } },
        };

        var files = new List<(string File, object Manifest)>
        {
            ($"{name}-statefulset.yaml", statefulSet),
            ($"{headless}-service.yaml", headlessService),
            ($"{name}-service.yaml", clientService),
            ($"{name}-pdb.yaml", disruptionBudget),
        };

        foreach (var project in deployment.Projects)
        {
            var projectLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = project.Name };
            var environment = await deployment.EnvironmentAsync(project, PodHost, executionContext, cancellationToken);
            files.Add(($"{project.Name}-deployment.yaml", Deployment(project.Name, projectLabels, $"{DeploymentModel.ImageName(project.Name)}:latest",
                [.. environment.Select(e => Env(e.Key, e.Value))], ports: null)));
        }

        var dashboardLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = DeploymentModel.DashboardName };
        files.Add(($"{DeploymentModel.DashboardName}-deployment.yaml", Deployment(
            DeploymentModel.DashboardName,
            dashboardLabels,
            $"{DeploymentModel.ImageName(DeploymentModel.DashboardName)}:latest",
            [
                Env("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://0.0.0.0:{DeploymentModel.DashboardOtlpPort}"),
                Env("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", $"http://0.0.0.0:{DeploymentModel.DashboardOtlpHttpPort}"),
                Env("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true"),
                Env("ASPNETCORE_URLS", $"http://0.0.0.0:{DeploymentModel.DashboardUiPort}"),
            ],
            [
                ContainerPort(DeploymentModel.DashboardUiPort, "ui"),
                ContainerPort(DeploymentModel.DashboardOtlpPort, "otlp-grpc"),
                ContainerPort(DeploymentModel.DashboardOtlpHttpPort, "otlp-http"),
            ])));
        files.Add(($"{DeploymentModel.DashboardName}-service.yaml", new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = DeploymentModel.DashboardName, Labels = dashboardLabels },
            Spec = new V1ServiceSpec
            {
                Selector = dashboardLabels,
                Ports =
                [
                    ServicePort(DeploymentModel.DashboardUiPort, "ui"),
                    ServicePort(DeploymentModel.DashboardOtlpPort, "otlp-grpc"),
                    ServicePort(DeploymentModel.DashboardOtlpHttpPort, "otlp-http"),
                ],
            },
        }));

        Directory.CreateDirectory(directory);
        foreach (var (file, manifest) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, file), ComposeWriter.Header + KubernetesYaml.Serialize(manifest).TrimEnd() + "\n", cancellationToken);
        }

        var images = new[] { DeploymentModel.NodeImage }
            .Concat(deployment.Projects.Select(p => DeploymentModel.ImageName(p.Name)))
            .Append(DeploymentModel.ImageName(DeploymentModel.DashboardName));
        var kustomization = new Dictionary<string, object>
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = files.Select(f => f.File).ToList(),
            // Where the images come from: deploy/images.sh's local names; point newName at a registry the cluster pulls from.
            ["images"] = images.Select(i => new Dictionary<string, string> { ["name"] = i, ["newName"] = $"localhost/{i}", ["newTag"] = "latest" }).ToList(),
        };
        var serializer = new YamlDotNet.Serialization.SerializerBuilder().WithIndentedSequences().Build();
        await File.WriteAllTextAsync(Path.Combine(directory, KustomizationFileName), ComposeWriter.Header + serializer.Serialize(kustomization), cancellationToken);
    }

    private static V1Deployment Deployment(string name, Dictionary<string, string> labels, string image, List<V1EnvVar> environment, List<V1ContainerPort>? ports) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = labels },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = labels },
                Spec = new V1PodSpec
                {
                    SecurityContext = PodSecurity(),
                    Containers =
                    [
                        new V1Container
                        {
                            Name = name,
                            Image = image,
                            ImagePullPolicy = "IfNotPresent",
                            Env = environment,
                            Ports = ports,
                            SecurityContext = ContainerSecurity(),
                        },
                    ],
                },
            },
        },
    };

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar FieldEnv(string name, string fieldPath) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = fieldPath } } };

    private static V1ContainerPort ContainerPort(int port, string name) => new() { ContainerPort = port, Name = name };

    private static V1ServicePort ServicePort(int port, string name) => new() { Port = port, Name = name, TargetPort = port };

    private static V1PodSecurityContext PodSecurity() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = AppUser,
        RunAsGroup = AppUser,
        // The volume claim is the app user's to write: a fresh volume belongs to root.
        FsGroup = AppUser,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    private static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };
}
