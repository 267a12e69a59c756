using CoordAspire.LoadTool;
using HdrHistogram;

namespace CoordAspire.LoadTool.Tests;

public class ReportTests
{
    private static HistogramBase Histogram(params long[] micros)
    {
        var histogram = LatencyRecorder.NewHistogram();
        foreach (long m in micros)
        {
            histogram.RecordValue(m);
        }

        return histogram;
    }

    [Fact]
    public void Percentiles_are_in_milliseconds_from_microseconds()
    {
        // 1..1000 µs: p50 = 500 µs, p99 = 990 µs, max = 1000 µs (within HdrHistogram's 0.1 %).
        var summary = LatencySummary.From("set", Histogram([.. Enumerable.Range(1, 1000).Select(i => (long)i)]), seconds: 2);
        Assert.Equal(1000, summary.Count);
        Assert.Equal(500, summary.PerSecond);
        Assert.Equal(0.5, summary.P50, 3);
        Assert.Equal(0.99, summary.P99, 2);
        Assert.Equal(1.0, summary.Max, 2);
        Assert.Equal(0.5005, summary.Mean, 2);
    }

    [Fact]
    public void An_empty_histogram_summarizes_to_zeros() =>
        Assert.Equal(new LatencySummary("get", 0, 0, 0, 0, 0, 0, 0, 0), LatencySummary.From("get", Histogram(), 1));

    [Fact]
    public void The_recorder_keeps_only_what_it_is_told_to()
    {
        var recorder = new LatencyRecorder("get");
        recorder.RecordSince(0, System.Diagnostics.Stopwatch.Frequency / 1000);   // 1 ms, during warm-up
        Assert.Equal(1, recorder.Drain(keep: false).TotalCount);
        recorder.RecordSince(0, System.Diagnostics.Stopwatch.Frequency / 500);    // 2 ms, measured
        recorder.RecordSince(0, System.Diagnostics.Stopwatch.Frequency / 250);    // 4 ms, measured
        Assert.Equal(2, recorder.Drain(keep: true).TotalCount);
        Assert.Equal(2, recorder.Total.TotalCount);
        Assert.InRange(recorder.Total.GetMaxValue(), 3990, 4010);
    }

    [Fact]
    public void A_report_survives_json()
    {
        var report = Sample("apache", "set", 1, 10_000);
        var back = LoadReport.FromJson(report.ToJson());
        Assert.Equal(report.Throughput, back.Throughput);
        Assert.Equal(report.Latency, back.Latency);
        Assert.Equal(report.ServerMemory, back.ServerMemory);
        Assert.Equal(report.Failover, back.Failover);
        Assert.Contains("\"throughput\": 10000", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_report_names_the_workload_and_the_percentiles()
    {
        string text = Sample("coordaspire", "failover", 2, 5_000, gapMs: 85.5).ToText();
        Assert.Contains("failover [coordaspire round 2]", text, StringComparison.Ordinal);
        Assert.Contains("p99.9", text, StringComparison.Ordinal);
        Assert.Contains("succeeded after 85.5 ms", text, StringComparison.Ordinal);
        Assert.Contains("peak 140 MB", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("VmRSS:\t  143212 kB", 143212L)]
    [InlineData("VmRSS: 1 kB", 1L)]
    [InlineData("VmRSS:", null)]
    public void Rss_lines_parse(string line, long? kb) => Assert.Equal(kb, RssSampler.ParseKb(line));

    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_with_spaces_in_the_name()
    {
        const string stat = "4990 (dotnet (x) y) S 1 4990 4990 0 -1 4194560 52016 0 0 0 1234 567 0 0 20 0 17 0 123456 3000000000 30000";
        Assert.Equal(1234 + 567, RssSampler.ParseCpuTicks(stat));
        Assert.Null(RssSampler.ParseCpuTicks("1 (x) S 1 2"));
    }

    [Fact]
    public void This_process_has_a_resident_size()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc is Linux's
        }

        Assert.True(RssSampler.Read(Environment.ProcessId) > 1000);
        Assert.True(RssSampler.ReadCpuTicks(Environment.ProcessId) > 0);
    }

    internal static LoadReport Sample(string label, string workload, int round, double throughput, double? gapMs = null, double rssMb = 140) => new()
    {
        Label = label,
        Round = round,
        Workload = workload,
        Servers = "127.0.0.1:2181",
        Connections = 4,
        InFlight = 500,
        ValueSize = 100,
        Seconds = 20,
        Throughput = throughput,
        Latency = new LatencySummary("set", (long)(throughput * 20), throughput, 0.5, 1, 4.9, 9, 20, 0.7),
        ByKind = [new LatencySummary("set", (long)(throughput * 20), throughput, 0.5, 1, 4.9, 9, 20, 0.7)],
        ServerMemory = [new ProcessMemory(100 + round, rssMb, rssMb - 5), new ProcessMemory(200 + round, rssMb + 10, rssMb)],
        Failover = gapMs is null ? null : new FailoverResult("127.0.0.1:2182", gapMs, 0.4, 2.1, 12, "127.0.0.1:2183"),
    };
}
