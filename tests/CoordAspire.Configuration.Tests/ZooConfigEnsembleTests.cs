using static CoordAspire.Configuration.Tests.ZooConfigText;

namespace CoordAspire.Configuration.Tests;

/// <summary>
/// The ensemble as ZooKeeper 3.8 reads it: server.N lines in every form (QuorumServer), observers, myid,
/// the client address of the own server line, ensemble shapes (parseDynamicConfig) and dynamicConfigFile.
/// </summary>
public class ZooConfigEnsembleTests
{
    // ---------------------------------------------------------------- server lines in every form

    public static TheoryData<string, QuorumServer> ServerLines => new()
    {
        { "h:2888:3888", new(1, "h", 2888, 3888, LearnerType.Participant, null) },
        { "zk1.example.com:2888:3888", new(1, "zk1.example.com", 2888, 3888, LearnerType.Participant, null) },
        { "h:2888:3888:participant", new(1, "h", 2888, 3888, LearnerType.Participant, null) },
        { "h:2888:3888:observer", new(1, "h", 2888, 3888, LearnerType.Observer, null) },
        { "h:2888:3888:OBSERVER", new(1, "h", 2888, 3888, LearnerType.Observer, null) },
        { "h:2888:3888: observer ", new(1, "h", 2888, 3888, LearnerType.Observer, null) },
        { "h:2888:3888;2181", new(1, "h", 2888, 3888, LearnerType.Participant, new HostPort("0.0.0.0", 2181)) },
        { "h:2888:3888;127.0.0.1:2181", new(1, "h", 2888, 3888, LearnerType.Participant, new HostPort("127.0.0.1", 2181)) },
        { "h:2888:3888:observer;2181", new(1, "h", 2888, 3888, LearnerType.Observer, new HostPort("0.0.0.0", 2181)) },
        { "h:2888:3888:participant;0.0.0.0:2181", new(1, "h", 2888, 3888, LearnerType.Participant, new HostPort("0.0.0.0", 2181)) },
        { "[::1]:2888:3888", new(1, "::1", 2888, 3888, LearnerType.Participant, null) },
        { "[2001:db8::1]:2888:3888:observer;[2001:db8::1]:2181", new(1, "2001:db8::1", 2888, 3888, LearnerType.Observer, new HostPort("2001:db8::1", 2181)) },
        { "h:2888:3888;[::]:2181", new(1, "h", 2888, 3888, LearnerType.Participant, new HostPort("::", 2181)) },

        // Java's String.split drops trailing empty fields, so ZooKeeper accepts these.
        { "h:2888:3888:", new(1, "h", 2888, 3888, LearnerType.Participant, null) },
        { "h:2888:3888;", new(1, "h", 2888, 3888, LearnerType.Participant, null) },
    };

    [Theory]
    [MemberData(nameof(ServerLines))]
    public void Server_line_forms(string value, QuorumServer expected)
    {
        var config = Parse($"dataDir=/d\ninitLimit=1\nsyncLimit=1\nserver.1={value}\nserver.8=a:1:2\nserver.9=b:1:2", ("/d/myid", "8"));

        Assert.Equal(expected, config.Servers[1]);
    }

    [Theory]
    [InlineData("h:2888:3888", "h:2888:3888:participant")]
    [InlineData("h:2888:3888:observer;2181", "h:2888:3888:observer;0.0.0.0:2181")]
    [InlineData("[::1]:2888:3888;[::1]:2181", "[::1]:2888:3888:participant;[::1]:2181")]
    public void Server_line_is_written_back_as_ZooKeeper_writes_it(string value, string written)
    {
        var config = Parse($"dataDir=/d\ninitLimit=1\nsyncLimit=1\nserver.1={value}\nserver.2=other:2888:3888\nserver.3=third:2888:3888", ("/d/myid", "2"));

        Assert.Equal(written, config.Servers[1].ToString());
    }

    [Fact]
    public void Server_ids_are_numbers_with_leading_zeros_or_plus_signs_allowed()
    {
        var config = Parse("dataDir=/d\ninitLimit=1\nsyncLimit=1\nserver.007=a:1:2\nserver.+8=b:1:2\nserver.0=c:1:2", ("/d/myid", "8"));

        Assert.Equal([0L, 7L, 8L], config.Servers.Keys);
    }

    [Fact]
    public void An_ensemble_reads_its_id_from_myid()
    {
        var config = Parse(Ensemble, (MyId, "2\n"));

        Assert.True(config.IsDistributed);
        Assert.Equal(2, config.ServerId);
        Assert.Equal(new QuorumServer(2, "127.0.0.1", 2889, 3889, LearnerType.Participant, null), config.Self);
        Assert.Equal([1L, 2L, 3L], config.Servers.Keys);
        Assert.Equal(3, config.VotingMembers.Count());
        Assert.Empty(config.ObservingMembers);
        Assert.Equal(new HostPort("0.0.0.0", 2181), config.ClientPortAddress);
        Assert.Equal(LearnerType.Participant, config.PeerType);
        Assert.Equal(new HostPort("127.0.0.1", 2889), config.Self!.QuorumAddress);
        Assert.Equal(new HostPort("127.0.0.1", 3889), config.Self.ElectionAddress);
        Assert.Equal("zookeeper.server.1", config.SystemProperties.Keys.Order(StringComparer.Ordinal).First());
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Observers_are_members_that_do_not_vote()
    {
        var config = Parse(
            $"{Ensemble.Replace("clientPort=2181\n", "", StringComparison.Ordinal)}\nserver.4=127.0.0.1:2891:3891:observer;2184\nserver.5=127.0.0.1:2892:3892:observer",
            (MyId, "4"));

        Assert.Equal([1L, 2L, 3L], config.VotingMembers.Select(s => s.Id));
        Assert.Equal([4L, 5L], config.ObservingMembers.Select(s => s.Id));
        Assert.Equal(LearnerType.Observer, config.PeerType);
        Assert.Equal(new HostPort("0.0.0.0", 2184), config.ClientPortAddress);
        Assert.True(config.IsDistributed);
    }

    [Fact]
    public void PeerType_that_disagrees_with_the_server_line_is_overridden_with_a_warning()
    {
        var config = Parse($"peerType=observer\n{Ensemble}", (MyId, "1"));

        Assert.Equal(LearnerType.Participant, config.PeerType);
        Assert.Equal(
            ["conf/zoo.cfg:1: peer type from servers list (Participant) doesn't match peerType (Observer); using the servers list"],
            config.Warnings);
    }

    [Fact]
    public void Observer_with_matching_peerType_has_no_warning()
    {
        var config = Parse($"peerType=observer\n{Ensemble}\nserver.4=127.0.0.1:2891:3891:observer", (MyId, "4"));

        Assert.Equal(LearnerType.Observer, config.PeerType);
        Assert.Empty(config.Warnings);
    }

    // ---------------------------------------------------------------- client port from the server line

    [Theory]
    [InlineData("clientPort=2181", "127.0.0.1:2889:3889", "0.0.0.0", 2181)] // no client address on the line: the static one
    [InlineData("", "127.0.0.1:2889:3889;127.0.0.1:2182", "127.0.0.1", 2182)] // only the line
    [InlineData("clientPort=2182", "127.0.0.1:2889:3889;127.0.0.1:2182", "127.0.0.1", 2182)] // wildcard static: ports agree
    [InlineData("clientPort=2182\nclientPortAddress=127.0.0.1", "127.0.0.1:2889:3889;127.0.0.1:2182", "127.0.0.1", 2182)]
    [InlineData("clientPort=2182\nclientPortAddress=LOCALHOST", "127.0.0.1:2889:3889;localhost:2182", "localhost", 2182)]
    public void Client_address_on_the_own_server_line_wins(string staticLines, string server2, string host, int port)
    {
        var config = Parse(
            $"dataDir=/var/lib/zk\ninitLimit=5\nsyncLimit=2\n{staticLines}\nserver.1=127.0.0.1:2888:3888\nserver.2={server2}",
            (MyId, "2"));

        Assert.Equal(new HostPort(host, port), config.ClientPortAddress);
    }

    [Theory]
    [InlineData("clientPort=2181", "conf/zoo.cfg:4: client address for this server (id = 2) is 0.0.0.0:2181, different from 0.0.0.0:2182 on its server.2 line (conf/zoo.cfg:6)")]
    [InlineData("clientPort=2182\nclientPortAddress=10.0.0.1", "conf/zoo.cfg:5: client address for this server (id = 2) is 10.0.0.1:2182, different from 0.0.0.0:2182 on its server.2 line (conf/zoo.cfg:7)")]
    public void Client_address_that_contradicts_the_own_server_line_is_refused(string staticLines, string message)
    {
        var error = Refused(
            $"dataDir=/var/lib/zk\ninitLimit=5\nsyncLimit=2\n{staticLines}\nserver.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889;2182",
            (MyId, "2"));

        Assert.Equal(message, error.Message);
    }

    // ---------------------------------------------------------------- myid

    [Theory]
    [InlineData("2", 2)]
    [InlineData("2\n", 2)]
    [InlineData("2\r\n", 2)]
    [InlineData(" 2 \n", 2)] // ZooKeeper itself does not trim and would refuse this
    [InlineData("2\n7\n", 2)] // only the first line counts, as BufferedReader.readLine
    [InlineData("+3", 3)]
    public void Myid_is_the_number_on_the_first_line(string myid, long expected)
    {
        Assert.Equal(expected, Parse(Ensemble, (MyId, myid)).ServerId);
    }

    [Theory]
    [InlineData("abc", "/var/lib/zk/myid:1: myid: 'abc' is not a number")]
    [InlineData("", "/var/lib/zk/myid:1: myid: the file is empty; it must hold this server's id")]
    [InlineData("\n2", "/var/lib/zk/myid:1: myid: the file is empty; it must hold this server's id")]
    [InlineData("2.0", "/var/lib/zk/myid:1: myid: '2.0' is not a number")]
    [InlineData("-1", "/var/lib/zk/myid:1: myid: server id -1 must not be negative")]
    [InlineData("4", "/var/lib/zk/myid:1: server id 4 is not among the servers (1, 2, 3) of conf/zoo.cfg")]
    public void Bad_myid_is_refused_naming_the_file(string myid, string message)
    {
        var error = Refused(Ensemble, (MyId, myid));

        Assert.Equal(message, error.Message);
        Assert.Equal(MyId, error.FileName);
    }

    [Fact]
    public void Bad_myid_is_refused_even_for_a_standalone_server_as_ZooKeeper_does()
    {
        Assert.Equal("/d/myid:1: myid: 'x' is not a number", Refused("dataDir=/d", ("/d/myid", "x")).Message);
    }

    [Fact]
    public void Myid_is_optional_when_standalone_and_read_when_present()
    {
        Assert.Null(Parse("dataDir=/d\nserver.1=h:1:2").ServerId);
        Assert.Equal(9, Parse("dataDir=/d", ("/d/myid", "9")).ServerId); // not checked against servers: none run
    }

    [Fact]
    public void Myid_is_found_with_or_without_a_trailing_slash_on_dataDir()
    {
        Assert.Equal(1, Parse(Ensemble.Replace("dataDir=/var/lib/zk", "dataDir=/var/lib/zk/", StringComparison.Ordinal), (MyId, "1")).ServerId);
    }

    [Fact]
    public void Extended_types_limit_server_ids_to_254()
    {
        var ensemble = "tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/var/lib/zk\nextendedTypesEnabled=true\nserver.254=a:1:2\nserver.255=b:1:2\nserver.1=c:1:2";

        Assert.Equal(254, Parse(ensemble, (MyId, "254")).ServerId);
        Assert.Equal(
            "/var/lib/zk/myid:1: server id 255 is too large: extendedTypesEnabled is true, which limits server ids to 254",
            Refused(ensemble, (MyId, "255")).Message);
    }

    // ---------------------------------------------------------------- ensemble shapes

    [Fact]
    public void One_participant_runs_standalone_with_a_warning()
    {
        var config = Parse("dataDir=/d\nclientPort=2181\nserver.1=127.0.0.1:2888:3888");

        Assert.False(config.IsDistributed);
        Assert.Single(config.Servers);
        Assert.Equal(["conf/zoo.cfg:3: only one server specified; running standalone (ignoring the server line)"], config.Warnings);
    }

    [Fact]
    public void One_participant_with_standalone_disabled_is_an_ensemble_of_one()
    {
        var config = Parse("dataDir=/var/lib/zk\ninitLimit=5\nsyncLimit=2\nstandaloneEnabled=false\nserver.1=h:2888:3888", (MyId, "1"));

        Assert.True(config.IsDistributed);
        Assert.False(config.StandaloneEnabled);
        Assert.Equal(["conf/zoo.cfg:5: no server failure will be tolerated; you need at least 3 servers"], config.Warnings);
    }

    [Fact]
    public void Even_ensembles_are_warned_about()
    {
        var config = Parse($"{Ensemble}\nserver.4=127.0.0.1:2891:3891", (MyId, "1"));

        Assert.Equal(["conf/zoo.cfg:6: non-optimal configuration, consider an odd number of servers"], config.Warnings);
    }

    [Fact]
    public void Two_participants_tolerate_no_failure()
    {
        var config = Parse("dataDir=/var/lib/zk\ninitLimit=5\nsyncLimit=2\nserver.1=a:1:2\nserver.2=b:1:2", (MyId, "1"));

        Assert.Equal(["conf/zoo.cfg:4: no server failure will be tolerated; you need at least 3 servers"], config.Warnings);
    }

    [Fact]
    public void Ensemble_checks_come_in_ZooKeepers_order()
    {
        // checkValidity: initLimit, then syncLimit, then myid.
        var noLimits = "dataDir=/var/lib/zk\nserver.1=a:1:2\nserver.2=b:1:2";

        Assert.Equal("conf/zoo.cfg: initLimit is not set; an ensemble needs it", Refused(noLimits).Message);
        Assert.Equal("conf/zoo.cfg: syncLimit is not set; an ensemble needs it", Refused($"initLimit=1\n{noLimits}").Message);
        Assert.Equal(MyId, Refused($"initLimit=1\nsyncLimit=1\n{noLimits}").FileName);
    }

    // ---------------------------------------------------------------- dynamic configuration file

    private const string StaticForDynamic = """
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/var/lib/zk
        dynamicConfigFile=/etc/zk/zoo.cfg.dynamic.100000000
        """;

    private const string DynamicFile = "/etc/zk/zoo.cfg.dynamic.100000000";

    [Fact]
    public void Server_lines_are_read_from_the_dynamic_config_file()
    {
        var config = Parse(
            StaticForDynamic,
            (MyId, "3"),
            (DynamicFile, "server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=10.0.0.2:2888:3888:participant;0.0.0.0:2181\nserver.3=10.0.0.3:2888:3888:participant;0.0.0.0:2181\n"));

        Assert.Equal(DynamicFile, config.DynamicConfigFile);
        Assert.Equal(0x100000000, config.ConfigVersion); // from the file name
        Assert.Equal([1L, 2L, 3L], config.Servers.Keys);
        Assert.Equal(new HostPort("0.0.0.0", 2181), config.ClientPortAddress);
        Assert.Equal(3, config.ServerId);
        Assert.True(config.IsDistributed);
    }

    [Theory]
    [InlineData("/etc/zk/zoo.cfg.dynamic", 0)]
    [InlineData("/etc/zk/zoo.cfg.dynamic.1a", 0x1a)]
    [InlineData("dynamic", 0)]
    public void Dynamic_config_version_is_the_hex_suffix_of_its_name(string path, long version)
    {
        var config = Parse(
            $"initLimit=1\nsyncLimit=1\ndataDir=/var/lib/zk\ndynamicConfigFile={path}",
            (MyId, "1"),
            (path, "server.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2"));

        Assert.Equal(version, config.ConfigVersion);
    }

    [Theory]
    [InlineData("server.1=a:1:2\nserver.2=b:1:2\nversion=100000000", "/etc/zk/zoo.cfg.dynamic.100000000:3: version: a dynamic config file must not contain a version; it is taken from the file name")]
    [InlineData("server.1=a:1:2\ntickTime=2000", "/etc/zk/zoo.cfg.dynamic.100000000:2: tickTime: unrecognised parameter; a dynamic config file holds only server.N lines")]
    [InlineData("server.1=a:1:2\nserver.2=b:1", "/etc/zk/zoo.cfg.dynamic.100000000:2: server.2: 'b:1' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]")]
    [InlineData("server.1=a:1:2\nserver.2=b:1:2\ngroup.1=1:2", "/etc/zk/zoo.cfg.dynamic.100000000:3: group.1: hierarchical quorums (group.N/weight.N) are not supported by CoordAspire; use majority quorums")]
    [InlineData("server.1=a:1:2\nserver.2=b:1:2", "/var/lib/zk/myid: myid file is missing; a member of an ensemble reads its server id from it")]
    public void Bad_dynamic_config_file_is_refused_naming_it(string dynamic, string message)
    {
        var error = Refused(StaticForDynamic, (DynamicFile, dynamic));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Missing_dynamic_config_file_is_refused_at_the_line_naming_it()
    {
        Assert.Equal(
            "conf/zoo.cfg:5: dynamicConfigFile: '/etc/zk/zoo.cfg.dynamic.100000000' does not exist",
            Refused(StaticForDynamic, (MyId, "1")).Message);
    }

    [Fact]
    public void Server_lines_next_to_a_dynamic_config_file_are_refused()
    {
        var error = Refused($"{StaticForDynamic}\nserver.4=d:1:2", (MyId, "1"), (DynamicFile, "server.1=a:1:2"));

        Assert.Equal("conf/zoo.cfg:6: server.4: must be in the dynamic config file /etc/zk/zoo.cfg.dynamic.100000000 (line 5), not here", error.Message);
    }

    [Fact]
    public void Static_clientPort_must_agree_with_the_dynamic_file()
    {
        // ZooKeeper 3.8: "client address for this server (id = 2) in static config file is 0.0.0.0/0.0.0.0:2181 is different
        // from client address found in dynamic file: /0.0.0.0:2182".
        var error = Refused(
            $"{StaticForDynamic}\nclientPort=2181",
            (MyId, "2"),
            (DynamicFile, "server.1=a:2888:3888\nserver.2=b:2888:3888;2182"));

        Assert.Equal(
            "conf/zoo.cfg:6: client address for this server (id = 2) is 0.0.0.0:2181, different from 0.0.0.0:2182 on its server.2 line (/etc/zk/zoo.cfg.dynamic.100000000:2)",
            error.Message);
    }
}
