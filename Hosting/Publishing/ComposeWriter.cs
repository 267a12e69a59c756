using Aspire.Hosting.ApplicationModel;
using YamlDotNet.Serialization;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// <c>docker-compose.yaml</c> and its <c>.env</c>: a service per member with a stable name and hostname (a member's
/// server line names it), a named volume each, one internal network, restart policy and the Node's own health check
/// (<c>CoordAspire.Node status</c>, what <c>zkServer.sh status</c> says), every other project of the model, and the
/// standalone dashboard receiving everyone's OTLP. Works with docker-compose 1.29 and podman-compose 1.0 as well as
/// Compose v2.
/// </summary>
internal static class ComposeWriter
{
    public const string FileName = "docker-compose.yaml";
    public const string EnvFileName = ".env";
    public const string NetworkName = "coord";

    public static async Task WriteAsync(DeploymentModel deployment, DistributedApplicationExecutionContext executionContext, string directory, CancellationToken cancellationToken)
    {
        var services = new Dictionary<string, object>
        {
            [DeploymentModel.DashboardName] = new Dictionary<string, object>
            {
                ["image"] = $"${{{DeploymentModel.ImageVariable(DeploymentModel.DashboardName)}}}",
                ["container_name"] = DeploymentModel.DashboardName,
                ["hostname"] = DeploymentModel.DashboardName,
                ["environment"] = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{DeploymentModel.DashboardUiPort}",
                    ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://0.0.0.0:{DeploymentModel.DashboardOtlpPort}",
                    ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://0.0.0.0:{DeploymentModel.DashboardOtlpHttpPort}",
                    // The network is internal: only this machine's containers (and the host, by address) reach it.
                    ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                },
                ["networks"] = new[] { NetworkName },
                ["restart"] = "unless-stopped",
            },
        };

        foreach (var node in deployment.Ensemble.Nodes)
        {
            var service = new Dictionary<string, object>
            {
                ["image"] = $"${{{DeploymentModel.ImageVariable("node")}}}",
                ["container_name"] = node.Name,
                ["hostname"] = node.Name,
                ["environment"] = await deployment.EnvironmentAsync(node, n => n.Name, executionContext, cancellationToken),
            };
            if (deployment.HasDataVolume)
            {
                service["volumes"] = new[] { $"{CoordDataVolumeAnnotation.VolumeName(node)}:/data" };
            }

            service["networks"] = new[] { NetworkName };
            service["restart"] = "unless-stopped";
            service["healthcheck"] = new Dictionary<string, object>
            {
                ["test"] = new[] { "CMD", "/app/CoordAspire.Node", "status" },
                ["interval"] = "5s",
                ["timeout"] = "3s",
                ["retries"] = 3,
                // An election takes a few seconds; a member that joins later is not unhealthy for it.
                ["start_period"] = "30s",
            };
            service["depends_on"] = new Dictionary<string, object>
            {
                [DeploymentModel.DashboardName] = new Dictionary<string, string> { ["condition"] = "service_started" },
            };
            services[node.Name] = service;
        }

        foreach (var project in deployment.Projects)
        {
            var dependsOn = new Dictionary<string, object>
            {
                [DeploymentModel.DashboardName] = new Dictionary<string, string> { ["condition"] = "service_started" },
            };
            // WaitFor(ensemble) in the AppHost: every member healthy, that is, a quorum that serves.
            if (project.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == deployment.Ensemble))
            {
                foreach (var node in deployment.Ensemble.Nodes)
                {
                    dependsOn[node.Name] = new Dictionary<string, string> { ["condition"] = "service_healthy" };
                }
            }

            services[project.Name] = new Dictionary<string, object>
            {
                ["image"] = $"${{{DeploymentModel.ImageVariable(project.Name)}}}",
                ["container_name"] = project.Name,
                ["hostname"] = project.Name,
                ["environment"] = await deployment.EnvironmentAsync(project, n => n.Name, executionContext, cancellationToken),
                ["networks"] = new[] { NetworkName },
                ["restart"] = "unless-stopped",
                ["depends_on"] = dependsOn,
            };
        }

        var compose = new Dictionary<string, object>
        {
            ["services"] = services,
            // internal: nothing routes off the machine; the host reaches the containers by their addresses.
            ["networks"] = new Dictionary<string, object> { [NetworkName] = new Dictionary<string, object> { ["internal"] = true } },
        };
        if (deployment.HasDataVolume)
        {
            compose["volumes"] = deployment.Ensemble.Nodes.ToDictionary(n => CoordDataVolumeAnnotation.VolumeName(n), _ => (object)new Dictionary<string, object>());
        }

        Directory.CreateDirectory(directory);
        var serializer = new SerializerBuilder()
            .WithQuotingNecessaryStrings() // "true", "1": strings to compose, not a bool and a number
            .WithIndentedSequences()
            .Build();
        await File.WriteAllTextAsync(Path.Combine(directory, FileName), Header + serializer.Serialize(compose), cancellationToken);

        var env = new List<string> { "# The images the compose file runs (deploy/images.sh builds them); override here or in the environment." };
        env.Add($"{DeploymentModel.ImageVariable("node")}=localhost/{DeploymentModel.NodeImage}:latest");
        env.AddRange(deployment.Projects.Select(p => $"{DeploymentModel.ImageVariable(p.Name)}=localhost/{DeploymentModel.ImageName(p.Name)}:latest"));
        env.Add($"{DeploymentModel.ImageVariable(DeploymentModel.DashboardName)}=localhost/{DeploymentModel.ImageName(DeploymentModel.DashboardName)}:latest");
        await File.WriteAllTextAsync(Path.Combine(directory, EnvFileName), string.Join('\n', env) + "\n", cancellationToken);
    }

    internal const string Header =
        "# Generated from the AppHost's model by CoordAspire.Hosting; do not edit. Regenerate from the repository root with\n" +
        "#   " + CoordPublishing.Command + "\n";
}
