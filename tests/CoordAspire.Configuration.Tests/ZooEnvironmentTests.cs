namespace CoordAspire.Configuration.Tests;

/// <summary>
/// The ZooKeeper image's variables, as the AppHost sets them: composed into the zoo.cfg that the entrypoint would
/// write, and parsed by the one zoo.cfg parser, so that its rules and messages hold for them too.
/// </summary>
public sealed class ZooEnvironmentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("coordaspire-zooenv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void With_no_variables_the_configuration_is_the_images()
    {
        var text = ZooEnvironment.Compose(_ => null);
        Assert.Equal(
            [
                "dataDir=/data", "tickTime=2000", "initLimit=5", "syncLimit=2", "autopurge.snapRetainCount=3",
                "autopurge.purgeInterval=0", "maxClientCnxns=60", "standaloneEnabled=true", "admin.enableServer=true",
                "server.1=localhost:2888:3888;2181",
            ],
            Lines(text));
    }

    [Fact]
    public void Blank_separated_variables_become_one_line_per_word_as_the_entrypoints_for_loop_makes_them()
    {
        var text = ZooEnvironment.Compose(Variables(new()
        {
            ["ZOO_SERVERS"] = "server.1=a:1:2;3  server.2=b:1:2;3\tserver.3=c:1:2;3",
            ["ZOO_CFG_EXTRA"] = "extendedTypesEnabled=true jute.maxbuffer=2000000",
            ["ZOO_4LW_COMMANDS_WHITELIST"] = "srvr,ruok",
        }));
        var lines = Lines(text);
        Assert.Equal(["server.1=a:1:2;3", "server.2=b:1:2;3", "server.3=c:1:2;3"], lines.Where(l => l.StartsWith("server.", StringComparison.Ordinal)));
        Assert.Contains("4lw.commands.whitelist=srvr,ruok", lines);
        Assert.Equal(["extendedTypesEnabled=true", "jute.maxbuffer=2000000"], lines[^2..]);
    }

    [Fact]
    public void ZOO_PORT_moves_the_default_servers_client_port()
    {
        var config = ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_PORT"] = "12181" }));
        Assert.Equal(12181, config.ClientPort);
        Assert.False(config.IsDistributed);
    }

    [Fact]
    public void An_ensemble_member_is_written_to_its_data_dir_with_its_myid_and_parsed()
    {
        var config = ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_MY_ID"] = "2",
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = "server.1=127.0.0.1:2001:3001;4001 server.2=127.0.0.1:2002:3002;4002 server.3=127.0.0.1:2003:3003;4003",
            ["ZOO_ADMINSERVER_PORT"] = "8082",
        }));

        Assert.Equal(Path.Combine(_directory, "zoo.cfg"), config.ConfigFile);
        Assert.Equal("2\n", File.ReadAllText(Path.Combine(_directory, "myid")));
        Assert.True(config.IsDistributed);
        Assert.Equal(2, config.ServerId);
        Assert.Equal(4002, config.ClientPort);
        Assert.Equal(8082, config.AdminServerPort);
        Assert.Equal(3, config.Servers.Count);
    }

    [Fact]
    public void The_zoo_cfg_is_written_afresh_at_every_start_since_the_AppHost_moves_the_ports()
    {
        ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_PORT"] = "12181" }));
        var config = ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_PORT"] = "12182" }));
        Assert.Equal(12182, config.ClientPort);
    }

    [Fact]
    public void A_data_dir_of_another_server_is_refused()
    {
        File.WriteAllText(Path.Combine(_directory, "myid"), "1\n");
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_MY_ID"] = "3" })));
        Assert.Contains("belongs to server 1, but ZOO_MY_ID is 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_value_is_reported_by_the_parser_against_its_key()
    {
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_TICK_TIME"] = "soon" })));
        Assert.Equal(Path.Combine(_directory, "zoo.cfg"), e.FileName);
        Assert.StartsWith("tickTime: 'soon'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ensemble_needs_every_peer_in_ZOO_SERVERS_including_itself()
    {
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_MY_ID"] = "4",
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = "server.1=127.0.0.1:2001:3001;4001 server.2=127.0.0.1:2002:3002;4002 server.3=127.0.0.1:2003:3003;4003",
        })));
        Assert.Contains("server id 4 is not among the servers", e.Message, StringComparison.Ordinal);
    }

    private const string ThreeServers =
        "server.1=127.0.0.1:2001:3001;4001 server.2=127.0.0.1:2002:3002;4002 server.3=127.0.0.1:2003:3003;4003";

    [Fact]
    public void An_ensemble_member_without_ZOO_MY_ID_refuses_to_start_rather_than_be_a_second_server_1()
    {
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = ThreeServers,
        })));
        Assert.Equal("ZOO_MY_ID", e.FileName);
        Assert.Contains("ZOO_SERVERS lists 3 servers but ZOO_MY_ID is not set", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "myid")), "no myid may be written for a member that does not know who it is");
    }

    [Fact]
    public void A_standalone_server_keeps_the_images_default_id_of_1()
    {
        ZooEnvironment.Load(Variables(new() { ["ZOO_DATA_DIR"] = _directory, ["ZOO_SERVERS"] = "server.1=localhost:2888:3888;12181" }));
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(_directory, "myid")));
    }

    [Theory]
    [InlineData("0", 1)] // the downward API's apps.kubernetes.io/pod-index label
    [InlineData("2", 3)]
    [InlineData("coord-0", 1)] // the pod's name (metadata.name, its hostname)
    [InlineData("coord-2", 3)]
    [InlineData("my-zk-ensemble-10", 11)]
    public void ZOO_MY_ID_FROM_ORDINAL_makes_the_StatefulSet_ordinal_plus_1_the_myid(string ordinal, int myId)
    {
        var config = ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_MY_ID_FROM_ORDINAL"] = ordinal,
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = string.Join(' ', Enumerable.Range(1, 11).Select(i => $"server.{i}=127.0.0.1:{2000 + i}:{3000 + i};{4000 + i}")),
        }));
        Assert.Equal(myId, config.ServerId);
        Assert.Equal($"{myId}\n", File.ReadAllText(Path.Combine(_directory, "myid")));
    }

    [Theory]
    [InlineData("coord")]
    [InlineData("coord-")]
    [InlineData("-1")]
    [InlineData("255")] // myid 256: past ZooKeeper's 1..255 convention
    [InlineData("coord-x")]
    public void A_value_of_ZOO_MY_ID_FROM_ORDINAL_that_is_no_ordinal_is_refused(string ordinal)
    {
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_MY_ID_FROM_ORDINAL"] = ordinal,
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = ThreeServers,
        })));
        Assert.Equal("ZOO_MY_ID_FROM_ORDINAL", e.FileName);
        Assert.Contains($"'{ordinal}' is neither a pod ordinal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZOO_MY_ID_and_ZOO_MY_ID_FROM_ORDINAL_together_are_refused()
    {
        var e = Assert.Throws<ZooConfigException>(() => ZooEnvironment.Load(Variables(new()
        {
            ["ZOO_MY_ID"] = "2",
            ["ZOO_MY_ID_FROM_ORDINAL"] = "coord-1",
            ["ZOO_DATA_DIR"] = _directory,
            ["ZOO_SERVERS"] = ThreeServers,
        })));
        Assert.Contains("both ZOO_MY_ID (2) and ZOO_MY_ID_FROM_ORDINAL (coord-1)", e.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Variables(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
}
