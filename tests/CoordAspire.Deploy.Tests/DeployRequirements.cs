using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// What the deployment tests need from the machine, checked before anything starts so that a missing piece is one
/// clear failure rather than a hundred timeouts. <c>./test.sh</c> provides all of it.
/// </summary>
public static class DeployRequirements
{
    public const string HowToPrepare =
        "run ./test.sh, or by hand: deploy/setup-podman.sh && deploy/images.sh --base-image \"$(deploy/local-base-image.sh)\"";

    public static async Task CheckAsync(ComposeDeployment deployment)
    {
        foreach (var tool in new[] { "podman", "podman-compose" })
        {
            var found = await ProcessRunner.RunAsync("sh", ["-c", $"command -v {tool}"], stdin: null, TimeSpan.FromSeconds(10));
            if (found.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} is not installed: {HowToPrepare}");
            }
        }

        var compose = Path.Combine(deployment.ComposeDirectory, "docker-compose.yaml");
        if (!File.Exists(compose))
        {
            throw new InvalidOperationException($"{compose} is missing: the AppHost publishes it (see deploy/compose/README.md)");
        }

        foreach (var image in Images(deployment))
        {
            if (!await Podman.ImageExistsAsync(image))
            {
                throw new InvalidOperationException($"the image {image} is not in podman's store: {HowToPrepare}");
            }
        }
    }

    /// <summary>The images the deployment's .env names (<c>COORD_*_IMAGE=…</c>).</summary>
    public static IReadOnlyList<string> Images(ComposeDeployment deployment)
    {
        var env = Path.Combine(deployment.ComposeDirectory, ".env");
        return !File.Exists(env)
            ? []
            : File.ReadAllLines(env)
                .Select(line => line.Trim())
                .Where(line => line.StartsWith("COORD_", StringComparison.Ordinal) && line.Contains("_IMAGE=", StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('"'))
                .ToList();
    }

    /// <summary>The image the nodes run, from the deployment's .env.</summary>
    public static string NodeImage(ComposeDeployment deployment) =>
        Images(deployment).FirstOrDefault(i => i.Contains("coordaspire-node", StringComparison.Ordinal)) ?? "localhost/coordaspire-node:latest";
}
