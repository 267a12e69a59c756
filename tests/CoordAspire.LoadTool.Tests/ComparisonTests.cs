using CoordAspire.LoadTool;

namespace CoordAspire.LoadTool.Tests;

public class ComparisonTests
{
    private static readonly LoadReport[] Reports =
    [
        ReportTests.Sample("apache", "set", 1, 10_000, rssMb: 140),
        ReportTests.Sample("coordaspire", "set", 1, 25_000, rssMb: 40),
        ReportTests.Sample("apache", "set", 2, 12_000, rssMb: 150),
        ReportTests.Sample("coordaspire", "set", 2, 35_000, rssMb: 50),
        ReportTests.Sample("apache", "failover", 1, 1_000, gapMs: 420),
        ReportTests.Sample("coordaspire", "failover", 1, 3_000, gapMs: 90),
    ];

    private static Comparison.Row Row(string name) =>
        Comparison.Compare(Reports, "apache", "coordaspire").Single(r => r.Metric.Name == name);

    [Fact]
    public void Throughput_ratio_is_candidate_over_baseline_of_the_medians()
    {
        var sets = Row("sets/s");
        Assert.Equal(11_000, sets.BaselineMedian);
        Assert.Equal(30_000, sets.CandidateMedian);
        Assert.Equal(30_000 / 11_000.0, sets.Ratio!.Value, 6);
        Assert.False(sets.Met);   // 2.73× < 3×
        Assert.Equal(3, sets.TargetFactor);
    }

    [Fact]
    public void Lower_is_better_metrics_turn_their_factor_around()
    {
        var failover = Row("failover gap");
        Assert.Equal(90 / 420.0, failover.Ratio!.Value, 6);
        Assert.Equal(420 / 90.0, failover.Factor!.Value, 6);
        Assert.True(failover.Met);                       // 90 ms ≤ 100 ms
        Assert.Equal(4.2, failover.TargetFactor!.Value, 6); // from 420 ms to 100 ms
    }

    [Fact]
    public void Memory_is_per_round_the_mean_of_each_servers_peak_under_fixed_size_data()
    {
        var rss = Row("RSS per server (peak)");
        // Round 1, set: pids 101 (140) and 201 (150) → 145; round 2: 150 and 160 → 155. Failover does not count.
        Assert.Equal([145.0, 155.0], rss.Baseline);
        Assert.Equal([45.0, 55.0], rss.Candidate);
        Assert.Equal("≤ ⅓", rss.Metric.TargetText);

        var withCreate = Comparison.Compare([.. Reports, ReportTests.Sample("coordaspire", "create", 1, 50_000, rssMb: 400)], "apache", "coordaspire");
        Assert.Equal([45.0, 55.0], withCreate.Single(r => r.Metric.Name.StartsWith("RSS", StringComparison.Ordinal)).Candidate);
    }

    [Fact]
    public void Server_cpu_per_operation_adds_up_the_servers()
    {
        var report = ReportTests.Sample("x", "set", 1, 20_000) with
        {
            ServerMemory = [new ProcessMemory(1, 100, 100, 0.5), new ProcessMemory(2, 100, 100, 0.25), new ProcessMemory(3, 100, 100, 0.25)],
        };
        Assert.Equal(50, Comparison.CpuMicrosPerOperation(report)!.Value, 6);   // 1 core for 20,000 sets/s
        Assert.Null(Comparison.CpuMicrosPerOperation(ReportTests.Sample("x", "set", 1, 20_000)));
    }

    [Fact]
    public void Metrics_without_reports_are_left_out() =>
        Assert.DoesNotContain(Comparison.Compare(Reports, "apache", "coordaspire"), r => r.Metric.Name == "gets/s");

    [Theory]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1 }, 2.5)]
    public void Median(double[] values, double median) => Assert.Equal(median, Comparison.Median(values));

    [Fact]
    public void The_markdown_table_shows_medians_rounds_ratio_and_target()
    {
        string table = Comparison.ToMarkdown(Comparison.Compare(Reports, "apache", "coordaspire"), "Apache ZooKeeper", "CoordAspire");
        Assert.Contains("| Metric | Apache ZooKeeper | CoordAspire | CoordAspire / Apache ZooKeeper | Target | Met |", table, StringComparison.Ordinal);
        Assert.Contains("| sets/s | 11,000 (10,000 / 12,000) | 30,000 (25,000 / 35,000) | 2.73× | ≥ 3× | **no** |", table, StringComparison.Ordinal);
        Assert.Contains("| failover gap ms | 420 | 90.0 | 0.21× | ≤ 100 ms | yes |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_data_has_a_factor_and_a_target_per_metric()
    {
        string data = Comparison.ToPlotData(Comparison.Compare(Reports, "apache", "coordaspire"));
        Assert.Contains("\"sets/s\"\t2.727\t3", data, StringComparison.Ordinal);
        Assert.Contains("\"set p99 under load\"\t1\tNaN", data, StringComparison.Ordinal);
    }
}
