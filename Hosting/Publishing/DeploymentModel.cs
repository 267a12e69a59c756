using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// What the compose file and the Kubernetes manifests are written from: the AppHost's model, in publish mode — the
/// ensemble's members and every other project (the SampleClient), each with its environment as the model's
/// callbacks give it, rendered for a target where a member has a name of its own (<c>node1</c>, or the pod
/// <c>coord-0.coord-headless</c>) and listens on ZooKeeper's usual ports. What Aspire.Hosting.Docker and
/// Aspire.Hosting.Kubernetes do with their own resource mapping; the smallest version of it that serves this app.
/// </summary>
internal sealed class DeploymentModel
{
    /// <summary>The dashboard service: the standalone Aspire dashboard's UI, OTLP/gRPC and OTLP/HTTP ports.</summary>
    public const string DashboardName = "dashboard";
    public const int DashboardUiPort = 18888;
    public const int DashboardOtlpPort = 18889;
    public const int DashboardOtlpHttpPort = 18890;

    /// <summary>The Node's image (one for every member: its identity comes from the environment, not the image).</summary>
    public const string NodeImage = "coordaspire-node";

    /// <summary>The .env variable that names a project's image: COORD_NODE_IMAGE, COORD_SAMPLE_IMAGE, COORD_DASHBOARD_IMAGE.</summary>
    public static string ImageVariable(string role) => $"COORD_{role.ToUpperInvariant().Replace('-', '_')}_IMAGE";

    /// <summary>The image repository of a project that is not a member: <c>coordaspire-sample</c>.</summary>
    public static string ImageName(string role) => $"coordaspire-{role}";

    public DeploymentModel(DistributedApplicationModel model, CoordEnsembleResource ensemble)
    {
        Ensemble = ensemble;
        Projects = [.. model.Resources.OfType<ProjectResource>().Where(p => !ensemble.Nodes.Contains(p))];
    }

    public CoordEnsembleResource Ensemble { get; }

    /// <summary>The projects that are not members, in the model's order.</summary>
    public IReadOnlyList<ProjectResource> Projects { get; }

    public bool HasDataVolume => Ensemble.TryGetLastAnnotation<CoordDataVolumeAnnotation>(out _);

    /// <summary>
    /// The resource's environment, rendered with <paramref name="host"/> as each member's address, plus the OTLP
    /// settings that send its telemetry to the dashboard (Aspire sets those itself only when it runs the app).
    /// </summary>
    public async Task<SortedDictionary<string, string>> EnvironmentAsync(
        ProjectResource resource, Func<ProjectResource, string> host, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, resource, values, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            environment[name] = await RenderAsync(value, host, cancellationToken);
        }

        // OTLP over HTTP rather than gRPC: a member taken off the network and put back has a new address, and the
        // gRPC exporter's HTTP/2 connection, bound to the old one, looked alive for as long as TCP retries (~15 min)
        // while nothing reached the dashboard. Over HTTP/1.1 an export that times out takes its connection with it,
        // and the next one dials afresh.
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{DashboardName}:{DashboardOtlpHttpPort}";
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_SERVICE_NAME"] = resource.Name;
        return environment;
    }

    /// <summary>A value of the model as the target sees it: an endpoint is the member's name and its container port.</summary>
    private static async Task<string> RenderAsync(object value, Func<ProjectResource, string> host, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case string text:
                return text;
            case ConnectionStringReference reference:
                return await RenderAsync(reference.Resource.ConnectionStringExpression, host, cancellationToken);
            case IResourceWithConnectionString resource:
                return await RenderAsync(resource.ConnectionStringExpression, host, cancellationToken);
            case EndpointReference endpoint:
                return Render(endpoint, EndpointProperty.Url, host);
            case EndpointReferenceExpression expression:
                return Render(expression.Endpoint, expression.Property, host);
            case ReferenceExpression expression:
                var args = new object[expression.ValueProviders.Count];
                for (int i = 0; i < args.Length; i++)
                {
                    args[i] = await RenderAsync(expression.ValueProviders[i], host, cancellationToken);
                }

                return string.Format(CultureInfo.InvariantCulture, expression.Format, args);
            case IFormattable formattable:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                throw new NotSupportedException($"CoordAspire's publisher cannot write a value of type {value.GetType().Name} ({value}); only strings, connection strings and endpoints of projects");
        }
    }

    private static string Render(EndpointReference endpoint, EndpointProperty property, Func<ProjectResource, string> host)
    {
        if (endpoint.Resource is not ProjectResource project)
        {
            throw new NotSupportedException($"an endpoint of {endpoint.Resource.Name}, which is not a project");
        }

        var annotation = project.Annotations.OfType<EndpointAnnotation>().Single(a => a.Name == endpoint.EndpointName);
        var port = annotation.TargetPort ?? throw new InvalidOperationException($"{project.Name}'s endpoint {annotation.Name} has no target port to publish");
        return property switch
        {
            EndpointProperty.Host or EndpointProperty.IPV4Host => host(project),
            EndpointProperty.Port or EndpointProperty.TargetPort => port.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => $"{host(project)}:{port}",
            EndpointProperty.Scheme => annotation.UriScheme,
            EndpointProperty.Url => $"{annotation.UriScheme}://{host(project)}:{port}",
            _ => throw new NotSupportedException($"endpoint property {property}"),
        };
    }
}
