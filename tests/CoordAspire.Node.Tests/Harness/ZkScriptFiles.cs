namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// The script corpus in tests/java/scripts: NAME.zks and its golden output NAME.expected, captured from
/// Apache ZooKeeper 3.8 (a ZooKeeper-compatible server must print the same).
/// Regenerate with COORD_UPDATE_GOLDEN=1 on the golden-output self-test.
/// </summary>
public static class ZkScriptFiles
{
    public const string UpdateVariable = "COORD_UPDATE_GOLDEN";

    public static string ScriptsDirectory => Path.Combine(JavaZooKeeperClient.JavaTestsDirectory, "scripts");

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static IReadOnlyList<string> Names =>
        Directory.EnumerateFiles(ScriptsDirectory, "*.zks")
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string ReadScript(string name) => File.ReadAllText(Path.Combine(ScriptsDirectory, name + ".zks"));

    public static IReadOnlyList<string> ReadExpected(string name) =>
        ProcessResult.SplitLines(File.ReadAllText(Path.Combine(ScriptsDirectory, name + ".expected")));

    public static void WriteExpected(string name, IEnumerable<string> lines) =>
        File.WriteAllText(Path.Combine(ScriptsDirectory, name + ".expected"), string.Join('\n', lines) + "\n");

    /// <summary>A readable report of where <paramref name="actual"/> departs from <paramref name="expected"/>, or null.</summary>
    public static string? Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int context = 3)
    {
        var n = Math.Min(expected.Count, actual.Count);
        var first = 0;
        while (first < n && expected[first] == actual[first])
        {
            first++;
        }
        if (first == n && expected.Count == actual.Count)
        {
            return null;
        }
        var from = Math.Max(0, first - context);
        var report = new System.Text.StringBuilder($"outputs differ at line {first + 1}:\n");
        for (var i = from; i < first; i++)
        {
            report.Append("  ").AppendLine(expected[i]);
        }
        for (var i = first; i < Math.Min(expected.Count, first + context + 1); i++)
        {
            report.Append("- ").AppendLine(expected[i]);
        }
        for (var i = first; i < Math.Min(actual.Count, first + context + 1); i++)
        {
            report.Append("+ ").AppendLine(actual[i]);
        }
        return report.ToString();
    }
}
