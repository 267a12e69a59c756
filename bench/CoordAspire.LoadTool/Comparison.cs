using System.Globalization;
using System.Text;

namespace CoordAspire.LoadTool;

/// <summary>
/// The side-by-side table: the same metrics from the reports of a baseline (Apache ZooKeeper) and a candidate
/// (CoordAspire), the median over the rounds of each, their ratio (candidate / baseline) and the issue's target.
/// </summary>
internal static class Comparison
{
    /// <summary>One row: how to read it from a workload's report, which way is better, and the target if there is one.</summary>
    public sealed record Metric(
        string Name, string Workload, Func<LoadReport, double?> Read, bool HigherIsBetter, string Unit, double? TargetRatio = null, double? TargetAbsolute = null)
    {
        /// <summary>"≥ 3×", "≤ ½", "≤ 100 ms" or "".</summary>
        public string TargetText => (TargetRatio, TargetAbsolute) switch
        {
            (double r, _) when HigherIsBetter => string.Create(CultureInfo.InvariantCulture, $"≥ {r:0.##}×"),
            (double r, _) => $"≤ {Fraction(r)}",
            (_, double a) => string.Create(CultureInfo.InvariantCulture, $"{(HigherIsBetter ? "≥" : "≤")} {a:0.##} {Unit}"),
            _ => "",
        };

        private static string Fraction(double r) => r switch
        {
            0.5 => "½",
            _ when Math.Abs(r - 1.0 / 3) < 1e-9 => "⅓",
            _ => r.ToString("0.##", CultureInfo.InvariantCulture) + "×",
        };
    }

    /// <summary>A metric's values for both targets (one per round), and how it compares.</summary>
    public sealed record Row(Metric Metric, IReadOnlyList<double> Baseline, IReadOnlyList<double> Candidate)
    {
        public double? BaselineMedian => Median(Baseline);

        public double? CandidateMedian => Median(Candidate);

        /// <summary>Candidate / baseline.</summary>
        public double? Ratio => BaselineMedian is double b && CandidateMedian is double c && b > 0 ? c / b : null;

        /// <summary>How many times better the candidate is (baseline / candidate where lower is better), for the plot.</summary>
        public double? Factor => Ratio is double r ? (Metric.HigherIsBetter ? r : r > 0 ? 1 / r : null) : null;

        /// <summary>The target as a factor of improvement, for the plot: 3 for ≥ 3×, 2 for ≤ ½, and for an absolute
        /// target the factor that would reach it from the baseline.</summary>
        public double? TargetFactor => (Metric.TargetRatio, Metric.TargetAbsolute, BaselineMedian) switch
        {
            (double r, _, _) => Metric.HigherIsBetter ? r : 1 / r,
            (_, double a, double b) when a > 0 && b > 0 => Metric.HigherIsBetter ? a / b : b / a,
            _ => null,
        };

        public bool? Met => (Metric.TargetRatio, Metric.TargetAbsolute, Ratio, CandidateMedian) switch
        {
            (double t, _, double r, _) => Metric.HigherIsBetter ? r >= t : r <= t,
            (_, double a, _, double c) => Metric.HigherIsBetter ? c >= a : c <= a,
            _ => null,
        };
    }

    public static IReadOnlyList<Metric> Metrics { get; } =
    [
        new("creates/s", "create", r => r.Throughput, true, "ops/s", TargetRatio: 3),
        new("sets/s", "set", r => r.Throughput, true, "ops/s", TargetRatio: 3),
        new("gets/s", "get", r => r.Throughput, true, "ops/s", TargetRatio: 2),
        new("mixed ops/s", "mixed", r => r.Throughput, true, "ops/s"),
        new("watch-heavy ops/s", "watch", r => r.Throughput, true, "ops/s"),
        new("watch events/s", "watch", r => r.WatchEvents / Math.Max(r.Seconds, 1e-9), true, "/s"),
        new("ephemeral create+delete/s", "ephemeral", r => r.Throughput, true, "ops/s"),
        new("gets/s, many sessions", "sessions", r => r.Throughput, true, "ops/s"),
        new("session connect p99", "sessions", r => r.Connect?.P99, false, "ms"),
        new("set p99 under load", "set", r => r.Latency.P99, false, "ms"),
        new("sync set p50", "sync-set", r => r.Latency.P50, false, "ms"),
        new("sync set p99", "sync-set", r => r.Latency.P99, false, "ms", TargetRatio: 0.5),
        new("server CPU per set", "set", r => CpuMicrosPerOperation(r), false, "µs"),
        new("server CPU per get", "get", r => CpuMicrosPerOperation(r), false, "µs"),
        new("failover gap", "failover", r => r.Failover?.GapMs, false, "ms", TargetAbsolute: 100),
        new("RSS per server (peak)", "*", _ => null, false, "MB", TargetRatio: 1.0 / 3),
    ];

    /// <summary>The three servers' CPU time per operation (cores × 10⁶ / operations per second): what each operation
    /// costs the ensemble, whichever side of the machine's two cores ran out first.</summary>
    public static double? CpuMicrosPerOperation(LoadReport report) =>
        report.ServerMemory.Count > 0 && report.Throughput > 0 && report.ServerMemory.Sum(m => m.Cores) > 0
            ? report.ServerMemory.Sum(m => m.Cores) * 1e6 / report.Throughput
            : null;

    public static IReadOnlyList<Row> Compare(IReadOnlyList<LoadReport> reports, string baseline, string candidate)
    {
        var rows = new List<Row>();
        foreach (var metric in Metrics)
        {
            var b = Values(reports, baseline, metric);
            var c = Values(reports, candidate, metric);
            if (b.Count > 0 || c.Count > 0)
            {
                rows.Add(new Row(metric, b, c));
            }
        }

        return rows;
    }

    /// <summary>The workloads whose data does not grow with the server's speed: memory is compared over these. A faster
    /// server creates more znodes in the create workload's time (and holds them until the cleanup), and the failover
    /// workload comes after it.</summary>
    public static readonly IReadOnlySet<string> FixedDataWorkloads =
        new HashSet<string>(["sync-set", "set", "get", "mixed", "watch", "ephemeral", "sessions"]);

    /// <summary>One value per round. Memory is the round's mean over the servers of each server's peak, over the round's
    /// <see cref="FixedDataWorkloads"/> (a server's memory is what it needed for the busiest moment).</summary>
    private static List<double> Values(IReadOnlyList<LoadReport> reports, string label, Metric metric)
    {
        var mine = reports.Where(r => r.Label == label);
        if (metric.Workload == "*")
        {
            return [.. mine.Where(r => r.ServerMemory.Count > 0 && FixedDataWorkloads.Contains(r.Workload)).GroupBy(r => r.Round).OrderBy(g => g.Key)
                .Select(g => g.SelectMany(r => r.ServerMemory).GroupBy(m => m.Pid).Select(p => p.Max(m => m.PeakMb)).Average())];
        }

        return [.. mine.Where(r => r.Workload == metric.Workload).OrderBy(r => r.Round)
            .Select(metric.Read).Where(v => v is not null).Select(v => v!.Value)];
    }

    public static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The table in Markdown: medians, with every round's value in brackets.</summary>
    public static string ToMarkdown(IReadOnlyList<Row> rows, string baselineName, string candidateName)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Metric | {baselineName} | {candidateName} | {candidateName} / {baselineName} | Target | Met |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            string unit = row.Metric.Unit is "ops/s" or "/s" ? "" : " " + row.Metric.Unit;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Metric.Name}{unit} | {Cell(row.Baseline, row.BaselineMedian)} | {Cell(row.Candidate, row.CandidateMedian)} | {(row.Ratio is double r ? Number(r, 2) + "×" : "—")} | {row.Metric.TargetText} | {row.Met switch { true => "yes", false => "**no**", null => "" }} |");
        }

        return text.ToString();
    }

    /// <summary>The plot's data for gnuplot: one line per row that has a factor, "name factor target".</summary>
    public static string ToPlotData(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder("# metric\tfactor (how many times better than the baseline)\ttarget factor (NaN: none)\n");
        foreach (var row in rows.Where(r => r.Factor is not null))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"\"{row.Metric.Name}\"\t{row.Factor!.Value:0.###}\t{(row.TargetFactor is double t ? t.ToString("0.###", CultureInfo.InvariantCulture) : "NaN")}"));
        }

        return text.ToString();
    }

    private static string Cell(IReadOnlyList<double> values, double? median) => median is double m
        ? values.Count > 1 ? $"{Number(m)} ({string.Join(" / ", values.Select(v => Number(v)))})" : Number(m)
        : "—";

    /// <summary>Thousands separated for big numbers, three significant digits for small ones.</summary>
    public static string Number(double value, int? decimals = null)
    {
        if (decimals is int d)
        {
            return value.ToString("N" + d.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        double abs = Math.Abs(value);
        string format = abs >= 100 ? "N0" : abs >= 10 ? "0.0" : abs >= 1 ? "0.00" : "0.000";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
