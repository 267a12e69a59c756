using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// The ensemble's publishing: two pipeline steps on the ensemble resource, each required by Aspire's
/// <c>publish</c> step, that write <c>&lt;output&gt;/compose</c> and <c>&lt;output&gt;/kubernetes</c> from the AppHost's
/// model. They run from a plain <c>dotnet run</c> (<see cref="Command"/>: <c>--step</c> runs a step and what it
/// depends on, <c>--operation publish</c> puts the model in publish mode, <c>--output-path</c> is the pipeline's
/// output directory), and from the Aspire CLI as <c>aspire publish -o deploy</c> or <c>aspire do publish-coord-compose</c>.
/// Where Aspire.Hosting.Docker and Aspire.Hosting.Kubernetes can be had, their environments
/// (<c>AddDockerComposeEnvironment</c>, <c>AddKubernetesEnvironment</c>) do the general version of this.
/// </summary>
public static class CoordPublishing
{
    /// <summary>The command that writes the committed <c>deploy/</c> files, from the repository root.</summary>
    public const string Command = "dotnet run --project AppHost -- --operation publish --step publish --output-path ../deploy";

    public const string ComposeDirectory = "compose";
    public const string KubernetesDirectory = "kubernetes";

    public static string ComposeStep(CoordEnsembleResource ensemble) => $"publish-{ensemble.Name}-compose";

    public static string KubernetesStep(CoordEnsembleResource ensemble) => $"publish-{ensemble.Name}-kubernetes";

    internal static IResourceBuilder<CoordEnsembleResource> WithCoordPublishing(this IResourceBuilder<CoordEnsembleResource> ensemble) =>
        ensemble.WithPipelineStepFactory(_ => (IEnumerable<PipelineStep>)
        [
            new PipelineStep
            {
                Name = ComposeStep(ensemble.Resource),
                Description = $"Writes docker-compose.yaml and .env for {ensemble.Resource.Name}",
                Action = context => WriteAsync(context, ensemble.Resource, ComposeDirectory, ComposeWriter.WriteAsync),
                RequiredBySteps = [WellKnownPipelineSteps.Publish],
                Resource = ensemble.Resource,
            },
            new PipelineStep
            {
                Name = KubernetesStep(ensemble.Resource),
                Description = $"Writes Kubernetes manifests and kustomization.yaml for {ensemble.Resource.Name}",
                Action = context => WriteAsync(context, ensemble.Resource, KubernetesDirectory, KubernetesWriter.WriteAsync),
                RequiredBySteps = [WellKnownPipelineSteps.Publish],
                Resource = ensemble.Resource,
            },
        ]);

    private static async Task WriteAsync(
        PipelineStepContext context, CoordEnsembleResource ensemble, string subdirectory,
        Func<DeploymentModel, DistributedApplicationExecutionContext, string, CancellationToken, Task> write)
    {
        var directory = Path.Combine(context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory(), subdirectory);
        await write(new DeploymentModel(context.Model, ensemble), context.ExecutionContext, directory, context.CancellationToken);
        await context.ReportingStep.CompleteAsync($"Wrote {directory}", CompletionState.Completed, context.CancellationToken);
    }
}
