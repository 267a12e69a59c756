namespace CoordAspire.Benchmarks;

/// <summary>Where things are in this repository, wherever <c>dotnet run</c> was started from.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>BenchmarkDotNet's reports and logs: beside this project, ignored by git.</summary>
    public static string Artifacts => Path.Combine(Root, "bench", "CoordAspire.Benchmarks", "BenchmarkDotNet.Artifacts");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CoordAspire.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
