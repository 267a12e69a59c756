using CoordAspire.Node.Telemetry;
using CoordAspire.Node.Telemetry.Prometheus;

namespace CoordAspire.Node.Tests.Metrics;

/// <summary>
/// The summaries behave as simpleclient 0.9's <c>Summary</c> does for ZooKeeper: count and sum over the server's
/// life, quantiles over the last 8 to 10 minutes (5 age buckets of 2 minutes), NaN with nothing in the window.
/// </summary>
public class PrometheusSummaryTests
{
    [Fact]
    public void Quantiles_are_the_observations_of_their_rank()
    {
        var summary = new PrometheusSummary("updatelatency", SummaryDetail.Advanced, new ManualTimeProvider());
        for (int ms = 100; ms >= 1; ms--)
        {
            summary.Observe(ms);
        }

        var snapshot = summary.Snapshot();

        Assert.Equal([(0.5, 51.0), (0.9, 91.0), (0.99, 100.0)], snapshot.Quantiles);
        Assert.Equal(100, snapshot.Count);
        Assert.Equal(5050, snapshot.Sum);
    }

    [Fact]
    public void Quantiles_forget_what_is_older_than_the_window_but_count_and_sum_do_not()
    {
        var time = new ManualTimeProvider();
        var summary = new PrometheusSummary("fsynctime", SummaryDetail.Basic, time);
        summary.Observe(1000);

        time.Advance(TimeSpan.FromMinutes(7));
        summary.Observe(5);
        Assert.Equal(1000, summary.Snapshot().Quantiles[0].Value); // both in the window: rank 1 of 2

        time.Advance(TimeSpan.FromMinutes(3.5)); // the first observation is now 10.5 minutes old
        var snapshot = summary.Snapshot();
        Assert.Equal(5, snapshot.Quantiles[0].Value);
        Assert.Equal(2, snapshot.Count);
        Assert.Equal(1005, snapshot.Sum);

        time.Advance(TimeSpan.FromMinutes(11));
        Assert.True(double.IsNaN(summary.Snapshot().Quantiles[0].Value));
    }

    [Fact]
    public void A_busy_window_keeps_a_bounded_sample_that_still_estimates_the_quantiles()
    {
        var summary = new PrometheusSummary("readlatency", SummaryDetail.Advanced, new ManualTimeProvider());
        for (int i = 0; i < 100_000; i++)
        {
            summary.Observe(i % 1000);
        }

        var snapshot = summary.Snapshot();

        // ZooKeeper tolerates 5% rank error on the median, 1% on the 90th and 0.1% on the 99th percentile; a uniform
        // sample of 1024 holds the first two comfortably (a few standard deviations of 1.6% and 0.9%).
        Assert.InRange(snapshot.Quantiles[0].Value, 450, 550);
        Assert.InRange(snapshot.Quantiles[1].Value, 860, 940);
        Assert.InRange(snapshot.Quantiles[2].Value, 960, 999);
        Assert.Equal(100_000, snapshot.Count);
    }

    [Fact]
    public void The_views_turn_our_instruments_into_ZooKeepers_summaries_in_whole_milliseconds()
    {
        using var views = new ZooKeeperMetricViews(new ManualTimeProvider());
        var update = views.Summaries.Single(s => s.Name == "updatelatency");
        var read = views.Summaries.Single(s => s.Name == "readlatency");
        var before = (Update: update.Snapshot(), Read: read.Snapshot());

        // Other tests' in-process servers may record at the same time: only what this test adds is certain.
        NodeTelemetry.RecordRequest(12.7, "CREA");
        NodeTelemetry.RecordRequest(3.2, "GETD");

        var update1 = update.Snapshot();
        var read1 = read.Snapshot();
        Assert.True(update1.Count >= before.Update.Count + 1);
        Assert.True(update1.Sum >= before.Update.Sum + 12);
        Assert.Equal(0, update1.Sum % 1); // whole milliseconds, as ZooKeeper's Summary.add(long)
        Assert.True(read1.Count >= before.Read.Count + 1);
        Assert.Equal(
            ["fsynctime", "snapshottime", "readlatency", "updatelatency", "election_time", "sync_processor_batch_size", "quorum_ack_latency"],
            views.Summaries.Select(s => s.Name));
        Assert.Equal(["looking_count", "bytes_received_count"], views.Counters.Select(c => c.Name));
    }
}
