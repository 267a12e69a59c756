using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CoordAspire.Node.Tests.Network;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;

// Not CoordAspire.Node.Tests.FourLetterWords: that namespace would hide the FourLetterWords class of
// CoordAspire.Configuration from every test under CoordAspire.Node.Tests.
namespace CoordAspire.Node.Tests.Commands;

/// <summary>
/// The four letter words, answered on a connection whose first four bytes are the word, in the format ZooKeeper 3.8
/// prints (captured from Debian's zookeeper 3.8.0), with every command enabled.
/// </summary>
public sealed partial class FourLetterWordTests : IAsyncLifetime
{
    private InProcessNode _node = null!;

    public Task InitializeAsync()
    {
        _node = InProcessNode.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Ruok_answers_imok_without_a_newline()
    {
        Assert.Equal("imok", await _node.FourLetterWordAsync("ruok"));
    }

    [Fact]
    public async Task A_word_followed_by_a_newline_is_answered_too()
    {
        // What `echo ruok | nc host 2181` sends.
        Assert.Equal("imok", await _node.FourLetterWordAsync("ruok\n"));
    }

    [Fact]
    public async Task A_word_split_across_two_writes_is_recognised()
    {
        await using var client = await _node.ConnectAsync();
        await client.SendAsync("ru"u8.ToArray());

        // Give the first two bytes a chance to arrive alone, so that the reader sees fewer than four.
        await Task.Delay(50);
        await client.SendAsync("ok"u8.ToArray());

        Assert.Equal("imok", Encoding.ASCII.GetString(await client.ReadUntilClosedAsync()));
    }

    [Fact]
    public async Task Srvr_reports_version_statistics_and_mode()
    {
        string text = await _node.FourLetterWordAsync("srvr");

        var lines = Lines(text);
        Assert.Equal(9, lines.Length);
        Assert.Matches(VersionLine(), lines[0]);
        Assert.Matches(@"^Latency min/avg/max: \d+/\d+\.\d+(E-?\d+)?/\d+$", lines[1]);
        Assert.Equal("Received: 0", lines[2]);
        Assert.Equal("Sent: 0", lines[3]);
        Assert.Equal("Connections: 1", lines[4]);
        Assert.Equal("Outstanding: 0", lines[5]);
        Assert.Equal("Zxid: 0x0", lines[6]);
        Assert.Equal("Mode: standalone", lines[7]);

        // /, /zookeeper, /zookeeper/quota, /zookeeper/config, and the root counted twice as ZooKeeper does.
        Assert.Equal("Node count: 5", lines[8]);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Srvr_counts_requests_and_transactions()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        await client.CreateAsync("/counted");

        var lines = Lines(await _node.FourLetterWordAsync("srvr"));

        Assert.Equal("Received: 2", lines[2]);
        Assert.Equal("Sent: 2", lines[3]);
        Assert.Equal("Connections: 2", lines[4]);
        Assert.Equal("Zxid: 0x2", lines[6]);
        Assert.Equal("Node count: 6", lines[8]);
    }

    [Fact]
    public async Task Stat_lists_the_clients_briefly()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        string text = await _node.FourLetterWordAsync("stat");

        var lines = Lines(text);
        Assert.Matches(VersionLine(), lines[0]);
        Assert.Equal("Clients:", lines[1]);
        Assert.Matches(@"^ /127\.0\.0\.1:\d+\[1\]\(queued=0,recved=1,sent=1\)$", lines[2]);
        Assert.Matches(@"^ /127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$", lines[3]);
        Assert.Equal("", lines[4]);
        Assert.StartsWith("Latency min/avg/max: ", lines[5], StringComparison.Ordinal);
        Assert.Equal("Mode: standalone", lines[^2]);
    }

    [Fact]
    public async Task Cons_lists_the_clients_in_full()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        await client.CreateAsync("/x");

        var lines = Lines(await _node.FourLetterWordAsync("cons"));

        string sid = client.SessionId.ToString("x", CultureInfo.InvariantCulture);
        Assert.Matches(
            $@"^ /127\.0\.0\.1:\d+\[1\]\(queued=0,recved=2,sent=2,sid=0x{sid},lop=CREA,est=\d+,to=30000,lcxid=0x1,lzxid=0x2,lresp=\d+,llat=\d+,minlat=\d+,avglat=\d+,maxlat=\d+\)$",
            lines[0]);
        Assert.Matches(@"^ /127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$", lines[1]);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public async Task A_read_answered_while_processed_is_counted_as_answered()
    {
        // A read's reply is sent while the loop processes it, before the loop is done with the packet: it must still be
        // matched to its request (its latency counted, cons' lop) and not linger as an outstanding request.
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        _ = await client.RequestAsync(OpCode.Exists, (in JuteWriter w) =>
        {
            w.WriteString("/");
            w.WriteBool(false);
        });

        var cons = Lines(await _node.FourLetterWordAsync("cons"));
        var mntr = await _node.FourLetterWordAsync("mntr");

        Assert.Matches(@"^ /127\.0\.0\.1:\d+\[1\]\(queued=0,recved=2,sent=2,sid=0x[0-9a-f]+,lop=EXIS,", cons[0]);
        Assert.Contains("zk_outstanding_requests\t0\n", mntr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mntr_prints_tab_separated_zk_values()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        await client.CreateAsync("/monitored", ephemeral: true);

        string text = await _node.FourLetterWordAsync("mntr");

        var values = new Dictionary<string, string>();
        foreach (var line in Lines(text))
        {
            var match = Regex.Match(line, @"^zk_(\w+)\t(.+)$");
            Assert.True(match.Success, $"not a mntr line: '{line}'");
            values.Add(match.Groups[1].Value, match.Groups[2].Value);
        }

        Assert.StartsWith("3.8.0-CoordAspire-", values["version"], StringComparison.Ordinal);
        Assert.Equal("standalone", values["server_state"]);
        Assert.Equal("6", values["znode_count"]);
        Assert.Equal("1", values["ephemerals_count"]);
        Assert.Equal("1", values["global_sessions"]);
        Assert.Equal("2", values["num_alive_connections"]);
        Assert.Equal("0", values["outstanding_requests"]);
        Assert.Matches(@"^\d+\.\d+", values["avg_latency"]);
        Assert.True(long.Parse(values["uptime"], CultureInfo.InvariantCulture) >= 0);
    }

    [Fact]
    public async Task Wchs_wchc_and_wchp_show_the_data_watches()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        await client.CreateAsync("/watched");
        var (header, _) = await client.RequestAsync(OpCode.GetData, (in JuteWriter w) =>
        {
            w.WriteString("/watched");
            w.WriteBool(true);
        });
        Assert.Equal(ErrorCode.Ok, header.Err);
        string sid = "0x" + client.SessionId.ToString("x", CultureInfo.InvariantCulture);

        Assert.Equal("1 connections watching 1 paths\nTotal watches:1\n", await _node.FourLetterWordAsync("wchs"));
        Assert.Equal($"{sid}\n\t/watched\n\n", await _node.FourLetterWordAsync("wchc"));
        Assert.Equal($"/watched\n\t{sid}\n\n", await _node.FourLetterWordAsync("wchp"));
    }

    [Fact]
    public async Task Wchs_without_watches()
    {
        Assert.Equal("0 connections watching 0 paths\nTotal watches:0\n", await _node.FourLetterWordAsync("wchs"));
    }

    [Fact]
    public async Task Dump_lists_sessions_ephemerals_and_connections()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();
        await client.CreateAsync("/mine", ephemeral: true);
        string sid = "0x" + client.SessionId.ToString("x", CultureInfo.InvariantCulture);

        var lines = Lines(await _node.FourLetterWordAsync("dump"));

        Assert.Equal("SessionTracker dump:", lines[0]);
        Assert.Equal("Session Sets (1)/(1):", lines[1]);
        Assert.Matches(@"^1 expire at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}:$", lines[2]);
        Assert.Equal("\t" + sid, lines[3]);
        Assert.Equal("ephemeral nodes dump:", lines[4]);
        Assert.Equal("Sessions with Ephemerals (1):", lines[5]);
        Assert.Equal(sid + ":", lines[6]);
        Assert.Equal("\t/mine", lines[7]);
        Assert.Equal("Connections dump:", lines[8]);
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^\tip: /127\.0\.0\.1:\d+ sessionId: {sid}$"));
    }

    [Fact]
    public async Task Conf_reports_the_configuration()
    {
        var values = Lines(await _node.FourLetterWordAsync("conf"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1]);

        Assert.Equal(
            ["clientPort", "secureClientPort", "dataDir", "dataDirSize", "dataLogDir", "dataLogSize", "tickTime", "maxClientCnxns",
                "minSessionTimeout", "maxSessionTimeout", "clientPortListenBacklog", "serverId"],
            values.Keys);
        Assert.Equal(_node.EndPoint.Port.ToString(CultureInfo.InvariantCulture), values["clientPort"]);
        Assert.Equal("-1", values["secureClientPort"]);
        Assert.Equal(Path.GetFullPath(_node.Config.DataDir), values["dataDir"]);
        Assert.Equal("2000", values["tickTime"]);
        Assert.Equal("4000", values["minSessionTimeout"]);
        Assert.Equal("40000", values["maxSessionTimeout"]);
        Assert.Equal("60", values["maxClientCnxns"]);
        Assert.Equal("0", values["serverId"]);
    }

    [Fact]
    public async Task Envi_lists_the_environment()
    {
        var lines = Lines(await _node.FourLetterWordAsync("envi"));

        Assert.Equal("Environment:", lines[0]);
        Assert.StartsWith("zookeeper.version=3.8.0-CoordAspire-", lines[1], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^[\w.]+=", l));
        Assert.Contains(lines, l => l.StartsWith("host.name=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("os.name=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("isro", "rw")]
    [InlineData("gtmk", "306")]
    [InlineData("srst", "Server stats reset.\n")]
    [InlineData("crst", "Connection stats reset.\n")]
    [InlineData("hash", "")]
    public async Task Simple_words_answer_as_ZooKeeper_does(string word, string expected)
    {
        Assert.Equal(expected, await _node.FourLetterWordAsync(word));
    }

    [Fact]
    public async Task Dirs_reports_two_sizes()
    {
        Assert.Matches(@"^datadir_size: \d+\nlogdir_size: \d+\n$", await _node.FourLetterWordAsync("dirs"));
    }

    [Fact]
    public async Task Stmk_reads_its_eight_byte_mask_and_echoes_it()
    {
        var mask = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(mask, 1234);

        Assert.Equal("1234", await _node.FourLetterWordAsync([.. "stmk"u8, .. mask]));
        Assert.Equal("1234", await _node.FourLetterWordAsync("gtmk"));
    }

    [Fact]
    public async Task Srst_resets_the_server_counters()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        await _node.FourLetterWordAsync("srst");

        var lines = Lines(await _node.FourLetterWordAsync("srvr"));
        Assert.Equal("Received: 0", lines[2]);
        Assert.Equal("Sent: 0", lines[3]);
    }

    [Fact]
    public async Task The_telnet_interrupt_closes_without_a_word()
    {
        Assert.Equal("", await _node.FourLetterWordAsync([0xff, 0xf4, 0xff, 0xfd]));
    }

    [Fact]
    public async Task A_word_that_is_not_a_command_is_a_bad_length()
    {
        Assert.Equal("", await _node.FourLetterWordAsync("abcd"));
    }

    [Fact]
    public async Task Words_do_not_disturb_an_open_session()
    {
        await using var client = await _node.ConnectAsync();
        await client.HandshakeAsync();

        foreach (var word in new[] { "ruok", "srvr", "stat", "mntr", "cons", "dump", "wchc", "wchp", "wchs", "conf", "envi" })
        {
            Assert.NotEqual("", await _node.FourLetterWordAsync(word));
        }

        var (ping, _) = await client.RequestAsync(OpCode.Ping, xid: Xid.Ping);
        Assert.Equal(ErrorCode.Ok, ping.Err);
    }

    [GeneratedRegex(@"^Zookeeper version: 3\.8\.0-CoordAspire-\S+, built on \d{4}-\d\d-\d\d \d\d:\d\d UTC$")]
    private static partial Regex VersionLine();

    private static string[] Lines(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }
}
