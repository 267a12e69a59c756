using CoordAspire.LoadTool;

namespace CoordAspire.LoadTool.Tests;

public class ToolPartsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Each_server_can_be_put_first(int servers)
    {
        for (int first = 0; first < servers; first++)
        {
            // The client's HostProvider shuffles its copy of the list with new Random(HostShuffleSeed), first thing.
            var order = Enumerable.Range(0, servers).ToArray();
            new Random(ServerPinning.SeedFor(servers, first)).Shuffle(order);
            Assert.Equal(first, order[0]);
        }
    }

    [Fact]
    public void Srvr_mode_is_read()
    {
        const string srvr = "Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.1/5\nZxid: 0x100000002\nMode: leader\nNode count: 5\n";
        Assert.Equal("leader", FourLetterWords.ParseMode(srvr));
        Assert.Null(FourLetterWords.ParseMode("This ZooKeeper instance is not currently serving requests\n"));
        Assert.Null(FourLetterWords.ParseMode(null));
    }

    [Fact]
    public void The_progress_line_has_rate_percentiles_errors_and_memory()
    {
        var histogram = LatencyRecorder.NewHistogram();
        histogram.RecordValueWithCount(1_000, 9_900);  // 1 ms
        histogram.RecordValueWithCount(8_000, 100);    // 8 ms
        string line = ProgressPrinter.Format("measure", TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(1), histogram, 3, [140.4, 38.6]);
        Assert.Equal("[  12s] measure    10,000 ops/s  p50  1.00  p99  1.00  max    8.0 ms  errors 3  rss 140/39 MB", line);
    }

    [Fact]
    public void Progress_is_a_line_per_second_when_not_on_a_terminal_and_one_rewritten_line_on_it()
    {
        var histogram = LatencyRecorder.NewHistogram();
        var plain = new StringWriter();
        var printer = new ProgressPrinter(plain, rewrite: false);
        printer.Tick("warmup", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), histogram, 0, null);
        printer.Tick("warmup", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), histogram, 0, null);
        Assert.Equal(2, plain.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain('\r', plain.ToString());

        var terminal = new StringWriter();
        printer = new ProgressPrinter(terminal, rewrite: true);
        printer.Tick("warmup", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), histogram, 0, null);
        printer.Tick("warmup", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), histogram, 0, null);
        printer.Note("measuring");
        string screen = terminal.ToString();
        Assert.Equal(2, screen.Count(c => c == '\r'));
        Assert.EndsWith("\ncoord-load: measuring" + Environment.NewLine, screen, StringComparison.Ordinal);
    }
}
