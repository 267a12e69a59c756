using System.Globalization;
using System.Net.Http.Headers;

namespace CoordAspire.Node.Tests.Metrics;

/// <summary>One <c>GET /metrics</c>, parsed: each family's <c># TYPE</c>, and each sample (name with its labels) with its value.</summary>
internal sealed record PrometheusScrape(string Text, MediaTypeHeaderValue? ContentType, IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, double> Samples)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<PrometheusScrape> GetAsync(int port)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return Parse(text, response.Content.Headers.ContentType);
    }

    public static PrometheusScrape Parse(string text, MediaTypeHeaderValue? contentType = null)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var fields = line.Split(' ');
                Assert.True(types.TryAdd(fields[2], fields[3]), $"family {fields[2]} twice");
            }
            else if (!line.StartsWith('#'))
            {
                int space = line.LastIndexOf(' ');
                samples.Add(line[..space], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
            }
        }

        return new PrometheusScrape(text, contentType, types, samples);
    }

    public double this[string sample] => Samples.TryGetValue(sample, out var value) ? value : throw new KeyNotFoundException($"no sample {sample} in\n{Text}");

    /// <summary>The families that are ZooKeeper's own, without the runtime's (<c>process_*</c>, <c>dotnet_*</c>).</summary>
    public IEnumerable<(string Name, string Type)> ZooKeeperFamilies =>
        Types.Where(t => !t.Key.StartsWith("process_", StringComparison.Ordinal) && !t.Key.StartsWith("dotnet_", StringComparison.Ordinal))
            .Select(t => (t.Key, t.Value))
            .OrderBy(t => t.Key, StringComparer.Ordinal);

    /// <summary><c>mntr</c>'s numeric lines, <c>zk_</c> removed.</summary>
    public static IReadOnlyDictionary<string, double> ParseMntr(string mntr) =>
        mntr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(f => double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(f => f[0]["zk_".Length..], f => double.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
