using CoordAspire.LoadTool;

namespace CoordAspire.LoadTool.Tests;

public class LoadOptionsParserTests
{
    [Fact]
    public void No_flags_give_the_defaults()
    {
        var options = LoadOptionsParser.Parse([]);
        Assert.Equal("127.0.0.1:2181", options.Servers);
        Assert.Equal(Workload.Set, options.Workload);
        Assert.Equal(4, options.Connections);
        Assert.Equal(100, options.InFlight);
        Assert.Equal(100, options.ValueSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Warmup);
        Assert.Null(options.Count);
        Assert.True(options.Cleanup);
        Assert.True(options.Spread);
        Assert.Null(options.ReconnectDelay);
    }

    [Fact]
    public void Short_long_and_inline_flags_are_read()
    {
        var options = LoadOptionsParser.Parse(
            ["-s", "a:1,b:2", "--workload=mixed", "-c", "8", "--in-flight", "500", "-v", "1024", "-r", "75%", "-n", "1_000",
             "--warmup", "0", "--no-cleanup", "--server-pids", "10, 20,30", "--label", "apache", "--round", "2", "--json", "out.json"]);
        Assert.Equal("a:1,b:2", options.Servers);
        Assert.Equal(Workload.Mixed, options.Workload);
        Assert.Equal(8, options.Connections);
        Assert.Equal(500, options.InFlight);
        Assert.Equal(1024, options.ValueSize);
        Assert.Equal(75, options.ReadPercent);
        Assert.Equal(1000, options.Count);
        Assert.Equal(TimeSpan.Zero, options.Warmup);
        Assert.False(options.Cleanup);
        Assert.Equal([10, 20, 30], options.ServerPids);
        Assert.Equal("apache", options.Label);
        Assert.Equal(2, options.Round);
        Assert.Equal("out.json", options.JsonPath);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("30", 30)]
    [InlineData("2m", 120)]
    [InlineData("1.5h", 5400)]
    public void Times_take_a_unit(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoadOptionsParser.ParseTime("-d", text));

    [Theory]
    [InlineData("--duration", "soon")]
    [InlineData("--duration", "0")]
    [InlineData("-c", "0")]
    [InlineData("-r", "101")]
    [InlineData("--workload", "scan")]
    [InlineData("--root", "relative")]
    [InlineData("--progress", "fancy")]
    [InlineData("--bogus", "1")]
    public void Bad_values_are_refused_with_the_flag_named(string flag, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse([flag, value]));
        Assert.Contains(flag == "--workload" ? "workload" : flag, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_log_takes_a_level()
    {
        Assert.Null(LoadOptionsParser.Parse([]).ClientLog);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, LoadOptionsParser.Parse(["--client-log", "info"]).ClientLog);
        Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse(["--client-log", "loud"]));
    }

    [Fact]
    public void A_flag_without_its_value_is_refused() =>
        Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse(["-c"]));

    [Fact]
    public void Sync_set_is_one_connection_with_one_request_in_flight()
    {
        var options = LoadOptionsParser.Parse(["-w", "sync-set"]);
        Assert.Equal((1, 1), (options.Connections, options.InFlight));
        Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse(["-w", "sync-set", "-i", "10"]));
    }

    [Theory]
    [InlineData("fresh-get")]
    [InlineData("sync-get")]
    public void Fresh_get_is_the_sync_and_read_workload_and_not_a_write(string name)
    {
        var options = LoadOptionsParser.Parse(["-w", name]);
        Assert.Equal(Workload.FreshGet, options.Workload);
        Assert.False(options.IsWrite);
        Assert.Equal("fresh-get", LoadOptionsParser.Name(options.Workload));
    }

    [Fact]
    public void Failover_needs_a_kill_command_and_reconnects_at_once_unless_told()
    {
        Assert.Throws<ArgumentException>(() => LoadOptionsParser.Parse(["-w", "failover"]));
        var options = LoadOptionsParser.Parse(["-w", "failover", "--kill-command", "kill -9 {port}"]);
        Assert.Equal(TimeSpan.Zero, options.ReconnectDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.ReconnectJitter);
        var told = LoadOptionsParser.Parse(["-w", "failover", "--kill-command", "x", "--reconnect-delay", "1s", "--reconnect-jitter", "0"]);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.Zero), (told.ReconnectDelay, told.ReconnectJitter));
    }

    [Theory]
    [InlineData("watch-heavy", nameof(Workload.Watch))]
    [InlineData("ephemeral-churn", nameof(Workload.Ephemeral))]
    [InlineData("many-sessions", nameof(Workload.Sessions))]
    [InlineData("GET", nameof(Workload.Get))]
    public void Workloads_have_their_long_names_too(string name, string workload) =>
        Assert.Equal(Enum.Parse<Workload>(workload), LoadOptionsParser.ParseWorkload(name));

    [Fact]
    public void Every_workload_name_parses_back()
    {
        foreach (var workload in Enum.GetValues<Workload>())
        {
            Assert.Equal(workload, LoadOptionsParser.ParseWorkload(LoadOptionsParser.Name(workload)));
        }
    }
}
