using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CoordAspire.AppHost.Tests;

/// <summary>
/// aspire-manifest.json (what azd deploys from) is generated, and committed: this regenerates it with the same
/// command, from the AppHost this test run built, and fails if the committed one says anything else.
/// </summary>
public sealed class ManifestTests
{
    private const string Regenerate = "dotnet run --project AppHost -- --publisher manifest --output-path ../aspire-manifest.json";

    [Fact]
    public async Task The_committed_manifest_is_what_the_AppHost_publishes()
    {
        var repository = RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("coordaspire-manifest-");
        try
        {
            var generated = Path.Combine(output.FullName, "aspire-manifest.json");
            var psi = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = repository,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "run", "--project", "AppHost", "--no-build", "-c", BuildConfiguration(), "--no-launch-profile", "--", "--publisher", "manifest", "--output-path", generated })
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 0 && File.Exists(generated), $"the AppHost did not publish a manifest:\n{await stdout}\n{await stderr}");

            var committed = Normalize(Path.Combine(repository, "aspire-manifest.json"));
            var current = Normalize(generated);
            Assert.True(
                JsonNode.DeepEquals(committed, current),
                $"aspire-manifest.json is stale; regenerate it from the repository root with:\n  {Regenerate}\nIt should read:\n{current}");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The manifest with each project's <c>path</c> made absolute: paths are written relative to the manifest's own
    /// folder, which differs between the committed file and the regenerated one.
    /// </summary>
    private static JsonNode Normalize(string manifest)
    {
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        foreach (var (_, resource) in json["resources"]!.AsObject())
        {
            if (resource?["path"] is { } path)
            {
                resource["path"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(manifest)!, path.GetValue<string>()));
            }
        }

        return json;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CoordAspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no CoordAspire.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Debug or Release, as this test assembly was built (bin/&lt;configuration&gt;/net10.0/), so that
    /// <c>--no-build</c> finds the AppHost built with it.</summary>
    private static string BuildConfiguration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
}
