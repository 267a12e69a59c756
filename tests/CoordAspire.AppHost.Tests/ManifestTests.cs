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
        var repository = Repository.Root();
        var output = Directory.CreateTempSubdirectory("coordaspire-manifest-");
        try
        {
            var generated = Path.Combine(output.FullName, "aspire-manifest.json");
            await Repository.RunAppHostAsync("--publisher", "manifest", "--output-path", generated);
            Assert.True(File.Exists(generated), "the AppHost wrote no manifest");

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
}
