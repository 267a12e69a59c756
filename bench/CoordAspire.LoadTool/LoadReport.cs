using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace CoordAspire.LoadTool;

/// <summary>Latency percentiles of one kind of operation, in milliseconds.</summary>
internal sealed record LatencySummary(
    string Kind, long Count, double PerSecond, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static LatencySummary From(string kind, HistogramBase histogram, double seconds)
    {
        static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
        long count = histogram.TotalCount;
        return count == 0
            ? new LatencySummary(kind, 0, 0, 0, 0, 0, 0, 0, 0)
            : new LatencySummary(
                kind, count, Math.Round(count / seconds, 1),
                Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(90)), Ms(histogram.GetValueAtPercentile(99)),
                Ms(histogram.GetValueAtPercentile(99.9)), Ms(histogram.GetMaxValue()), Math.Round(histogram.GetMean() / 1000.0, 3));
    }
}

/// <summary>A server process during the run: its resident memory (peak and last sample) and the CPU it used while the
/// load was measured, in cores.</summary>
internal sealed record ProcessMemory(int Pid, double PeakMb, double LastMb, double Cores = 0);

/// <summary>What the failover workload saw around the kill of the leader.</summary>
internal sealed record FailoverResult(
    string KilledLeader, double? GapMs, double LastWriteBeforeKillMs, double KillCommandMs, long ErrorsAfterKill, string? NewLeader);

/// <summary>The result of one run, as printed and as written to JSON for <c>coord-load compare</c>.</summary>
internal sealed record LoadReport
{
    public string Label { get; init; } = "";

    public int Round { get; init; }

    public string Workload { get; init; } = "";

    public string Servers { get; init; } = "";

    public int Connections { get; init; }

    public int InFlight { get; init; }

    public int ValueSize { get; init; }

    public int Keys { get; init; }

    public int ReadPercent { get; init; }

    public double WarmupSeconds { get; init; }

    public double Seconds { get; init; }

    /// <summary>Operations completed per second while measuring, all kinds together.</summary>
    public double Throughput { get; init; }

    /// <summary>All operations together.</summary>
    public LatencySummary Latency { get; init; } = null!;

    /// <summary>Each kind of operation on its own (get and set of mixed; create and delete of ephemeral).</summary>
    public IReadOnlyList<LatencySummary> ByKind { get; init; } = [];

    /// <summary>Session establishment, for the sessions workload (its rate: sessions per second of the connect phase,
    /// 64 connecting at a time).</summary>
    public LatencySummary? Connect { get; init; }

    /// <summary>The CPU this tool used while measuring, in cores (CPU seconds per second): on a small machine shared with
    /// the servers, the part of it the servers could not have.</summary>
    public double ClientCores { get; init; }

    /// <summary>The machine's 1-minute load average when the measurement started and when it ended (Linux), so a run
    /// disturbed by other work on the machine shows.</summary>
    public double[] LoadAverage { get; init; } = [];

    public long Errors { get; init; }

    public IReadOnlyDictionary<string, long> ErrorsByType { get; init; } = new Dictionary<string, long>();

    public long WatchEvents { get; init; }

    /// <summary>How many connections each server had, by its address.</summary>
    public IReadOnlyDictionary<string, int> ConnectionsPerServer { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<ProcessMemory> ServerMemory { get; init; } = [];

    public FailoverResult? Failover { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The first field of /proc/loadavg, or null elsewhere.</summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.TryParse(text.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double load)
                ? load
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static LoadReport FromJson(string json) =>
        JsonSerializer.Deserialize<LoadReport>(json, Json) ?? throw new FormatException("empty report");

    /// <summary>The report for a person.</summary>
    public string ToText()
    {
        var text = new System.Text.StringBuilder();
        string label = Label.Length > 0 ? $" [{Label}{(Round > 0 ? $" round {Round}" : "")}]" : "";
        text.AppendLine(FormattableString.Invariant(
            $"{Workload}{label} on {Servers}: {Connections} connection(s) × {InFlight} in flight, {ValueSize}-byte values, {Seconds:0.0} s measured after {WarmupSeconds:0.#} s warm-up"));
        text.AppendLine(FormattableString.Invariant(
            $"  throughput  {Throughput,12:N0} ops/s   ({Latency.Count:N0} operations, {Errors:N0} errors; this client used {ClientCores:0.00} cores)"));
        text.AppendLine("  latency ms        count      ops/s      p50      p90      p99    p99.9      max     mean");
        foreach (var row in ByKind.Count > 1 ? [.. ByKind, Latency] : (IEnumerable<LatencySummary>)[Latency])
        {
            text.AppendLine(Row(row.Kind == Latency.Kind && ByKind.Count > 1 ? "all" : row.Kind, row));
        }

        if (Connect is { Count: > 0 } connect)
        {
            text.AppendLine(Row("connect", connect));
        }

        if (WatchEvents > 0)
        {
            text.AppendLine(FormattableString.Invariant($"  watch events {WatchEvents:N0} ({WatchEvents / Math.Max(Seconds, 1e-9):N0}/s)"));
        }

        foreach (var (type, count) in ErrorsByType)
        {
            text.AppendLine(FormattableString.Invariant($"  errors      {count:N0} × {type}"));
        }

        if (ConnectionsPerServer.Count > 0)
        {
            text.AppendLine("  connections " + string.Join(", ", ConnectionsPerServer.Select(p => $"{p.Key}: {p.Value}")));
        }

        if (ServerMemory.Count > 0)
        {
            text.AppendLine("  server RSS  " + string.Join(", ", ServerMemory.Select(m => FormattableString.Invariant($"pid {m.Pid}: peak {m.PeakMb:0} MB, end {m.LastMb:0} MB, {m.Cores:0.00} cores"))));
        }

        if (LoadAverage.Length == 2)
        {
            text.AppendLine(FormattableString.Invariant($"  machine     1-minute load average {LoadAverage[0]:0.00} at the start of the measurement, {LoadAverage[1]:0.00} at its end"));
        }

        if (Failover is { } f)
        {
            text.AppendLine(FormattableString.Invariant(
                $"  failover    killed leader {f.KilledLeader} ({f.KillCommandMs:0.0} ms to run the kill); first write sent after the kill succeeded after {(f.GapMs is double g ? $"{g:0.0} ms" : "— (none within the window)")}"));
            text.AppendLine(FormattableString.Invariant(
                $"              last write before the kill completed {f.LastWriteBeforeKillMs:0.0} ms before it; {f.ErrorsAfterKill:N0} failed writes after it; new leader {f.NewLeader ?? "unknown"}"));
        }

        return text.ToString();

        static string Row(string name, LatencySummary s) => FormattableString.Invariant(
            $"  {name,-10} {s.Count,12:N0} {s.PerSecond,10:N0} {s.P50,8:0.000} {s.P90,8:0.000} {s.P99,8:0.000} {s.P999,8:0.000} {s.Max,8:0.000} {s.Mean,8:0.000}");
    }
}
