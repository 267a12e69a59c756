using Aspire.Hosting.Publishing;

namespace CoordAspire.AppHost.Tests.Deployment;

/// <summary>
/// deploy/compose and deploy/kubernetes are generated from the AppHost's model, and committed: this publishes them
/// again with the same command, into a temp folder, and fails if a committed file says anything else, is missing,
/// or is left over from an older model. (Hand-written files there: only README.md.)
/// </summary>
public sealed class DeploymentFilesTests
{
    [Fact]
    public async Task The_committed_deploy_files_are_what_the_AppHost_publishes()
    {
        var output = Directory.CreateTempSubdirectory("coordaspire-deploy-");
        try
        {
            await Repository.RunAppHostAsync("--operation", "publish", "--step", "publish", "--output-path", output.FullName);

            var problems = new List<string>();
            foreach (var directory in new[] { CoordPublishing.ComposeDirectory, CoordPublishing.KubernetesDirectory })
            {
                var generated = Files(Path.Combine(output.FullName, directory));
                var committed = Files(Path.Combine(Repository.Root(), "deploy", directory));
                Assert.NotEmpty(generated);
                foreach (var (name, text) in generated)
                {
                    if (!committed.TryGetValue(name, out var was))
                    {
                        problems.Add($"deploy/{directory}/{name} is not committed");
                    }
                    else if (was != text)
                    {
                        problems.Add($"deploy/{directory}/{name} is stale; it should read:\n{text}");
                    }
                }

                problems.AddRange(committed.Keys.Except(generated.Keys).Select(name => $"deploy/{directory}/{name} is no longer published; remove it"));
            }

            Assert.True(problems.Count == 0,
                $"{string.Join("\n", problems)}\nRegenerate them from the repository root with:\n  {CoordPublishing.Command}");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory)
                .Where(f => Path.GetFileName(f) != "README.md")
                .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
