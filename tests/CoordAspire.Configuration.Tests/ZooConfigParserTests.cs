using static CoordAspire.Configuration.Tests.ZooConfigText;

namespace CoordAspire.Configuration.Tests;

/// <summary>
/// zoo.cfg as ZooKeeper 3.8 reads it (QuorumPeerConfig.parse / parseProperties): defaults, each key, and every
/// refusal with its file and line. Where a case records how ZooKeeper itself reacts, that was checked against
/// Debian's zookeeper 3.8.0 jars.
/// </summary>
public class ZooConfigParserTests
{
    // ---------------------------------------------------------------- defaults

    [Fact]
    public void Only_dataDir_gives_ZooKeepers_defaults()
    {
        var config = Parse("dataDir=/var/lib/zk");

        Assert.Equal(CfgFile, config.ConfigFile);
        Assert.Equal(3000, config.TickTime); // ZooKeeperServer.DEFAULT_TICK_TIME, not the sample's 2000
        Assert.Equal(0, config.InitLimit);
        Assert.Equal(0, config.SyncLimit);
        Assert.Equal(0, config.ConnectToLearnerMasterLimit);
        Assert.Equal(DataDir, config.DataDir);
        Assert.Equal(DataDir, config.DataLogDir);
        Assert.Null(config.ClientPortAddress); // ZooKeeper starts without a client listener
        Assert.Equal(0, config.ClientPort);
        Assert.Null(config.SecureClientPortAddress);
        Assert.Equal(0, config.ObserverMasterPort);
        Assert.Equal(-1, config.ClientPortListenBacklog);
        Assert.Equal(60, config.MaxClientCnxns);
        Assert.Equal(6000, config.MinSessionTimeout);
        Assert.Equal(60000, config.MaxSessionTimeout);
        Assert.False(config.LocalSessionsEnabled);
        Assert.False(config.LocalSessionsUpgradingEnabled);
        Assert.Equal(3, config.ElectionAlg);
        Assert.False(config.QuorumListenOnAllIPs);
        Assert.Equal(LearnerType.Participant, config.PeerType);
        Assert.True(config.SyncEnabled);
        Assert.Null(config.DynamicConfigFile);
        Assert.Equal(3, config.SnapRetainCount);
        Assert.Equal(0, config.PurgeInterval);
        Assert.True(config.StandaloneEnabled);
        Assert.False(config.ReconfigEnabled);
        Assert.Null(config.ServerId);
        Assert.Empty(config.Servers);
        Assert.Equal(0, config.ConfigVersion);
        Assert.False(config.IsDistributed);
        Assert.Null(config.Self);
        Assert.Equal(100_000, config.SnapCount);
        Assert.Equal(65536, config.PreAllocSizeKb);
        Assert.True(config.ForceSync);
        Assert.False(config.ExtendedTypesEnabled);
        Assert.Equal(["srvr"], config.FourLetterWordWhitelist);
        Assert.Equal(60_000, config.ZnodeContainerCheckIntervalMs);
        Assert.Equal(10_000, config.ZnodeContainerMaxPerMinute);
        Assert.Equal(0, config.ZnodeContainerMaxNeverUsedIntervalMs);
        Assert.Equal(1000, config.GlobalOutstandingLimit);
        Assert.Equal(0xfffff, config.JuteMaxBuffer);
        Assert.True(config.AdminEnableServer);
        Assert.Equal("0.0.0.0", config.AdminServerAddress);
        Assert.Equal(8080, config.AdminServerPort);
        Assert.Equal("/commands", config.AdminCommandUrl);
        Assert.Empty(config.SystemProperties);
        Assert.Equal(new Dictionary<string, string> { ["dataDir"] = DataDir }, config.Properties);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Defaults_of_a_ZooConfig_built_in_code_match_the_parsed_ones()
    {
        var parsed = Parse("dataDir=/var/lib/zk");
        var built = new ZooConfig { DataDir = DataDir, ConfigFile = CfgFile };

        Assert.Equal(
            typeof(ZooConfig).GetProperties().Where(p => p.PropertyType.IsValueType || p.PropertyType == typeof(string)).Select(p => (p.Name, p.GetValue(parsed))),
            typeof(ZooConfig).GetProperties().Where(p => p.PropertyType.IsValueType || p.PropertyType == typeof(string)).Select(p => (p.Name, p.GetValue(built))));
    }

    [Theory]
    [InlineData("tickTime=2000", 4000, 40000)]
    [InlineData("tickTime=2000\nminSessionTimeout=1000", 1000, 40000)]
    [InlineData("tickTime=2000\nmaxSessionTimeout=90000", 4000, 90000)]
    [InlineData("minSessionTimeout=-1\nmaxSessionTimeout=-1", 6000, 60000)] // -1 is ZooKeeper's "unset"
    [InlineData("minSessionTimeout=5000\nmaxSessionTimeout=5000", 5000, 5000)]
    public void Session_timeouts_default_to_2_and_20_ticks(string lines, int min, int max)
    {
        var config = Parse($"dataDir=/d\n{lines}");

        Assert.Equal(min, config.MinSessionTimeout);
        Assert.Equal(max, config.MaxSessionTimeout);
    }

    // ---------------------------------------------------------------- each key

    public static TheoryData<string, string, object?> Keys => new()
    {
        { "tickTime=2000", nameof(ZooConfig.TickTime), 2000 },
        { "initLimit=10", nameof(ZooConfig.InitLimit), 10 },
        { "syncLimit=5", nameof(ZooConfig.SyncLimit), 5 },
        { "connectToLearnerMasterLimit=7", nameof(ZooConfig.ConnectToLearnerMasterLimit), 7 },
        { "dataLogDir=/fast/log", nameof(ZooConfig.DataLogDir), "/fast/log" },
        { "clientPort=2181", nameof(ZooConfig.ClientPortAddress), new HostPort("0.0.0.0", 2181) },
        { "clientPort=2181\nclientPortAddress=127.0.0.1", nameof(ZooConfig.ClientPortAddress), new HostPort("127.0.0.1", 2181) },
        { "clientPort=2181\nclientPortAddress=::1", nameof(ZooConfig.ClientPortAddress), new HostPort("::1", 2181) },
        { "clientPort=2181\nclientPortAddress=[::1]", nameof(ZooConfig.ClientPortAddress), new HostPort("::1", 2181) },
        { "clientPort=2181\nclientPortAddress=zk1.example.com", nameof(ZooConfig.ClientPortAddress), new HostPort("zk1.example.com", 2181) },
        { "clientPort=0", nameof(ZooConfig.ClientPortAddress), null }, // 0 is "not set"
        { "clientPort=+2181", nameof(ZooConfig.ClientPort), 2181 }, // Integer.parseInt takes a plus sign
        { "secureClientPort=2281", nameof(ZooConfig.SecureClientPortAddress), new HostPort("0.0.0.0", 2281) },
        { "secureClientPort=2281\nsecureClientPortAddress=10.0.0.1", nameof(ZooConfig.SecureClientPortAddress), new HostPort("10.0.0.1", 2281) },
        { "observerMasterPort=2191", nameof(ZooConfig.ObserverMasterPort), 2191 },
        { "clientPortListenBacklog=128", nameof(ZooConfig.ClientPortListenBacklog), 128 },
        { "maxClientCnxns=0", nameof(ZooConfig.MaxClientCnxns), 0 },
        { "maxClientCnxns=1000", nameof(ZooConfig.MaxClientCnxns), 1000 },
        { "minSessionTimeout=100", nameof(ZooConfig.MinSessionTimeout), 100 },
        { "maxSessionTimeout=100000", nameof(ZooConfig.MaxSessionTimeout), 100000 },
        { "localSessionsEnabled=true", nameof(ZooConfig.LocalSessionsEnabled), true },
        { "localSessionsUpgradingEnabled=TRUE", nameof(ZooConfig.LocalSessionsUpgradingEnabled), true },
        { "electionAlg=3", nameof(ZooConfig.ElectionAlg), 3 },
        { "quorumListenOnAllIPs=true", nameof(ZooConfig.QuorumListenOnAllIPs), true },
        { "syncEnabled=false", nameof(ZooConfig.SyncEnabled), false },
        { "autopurge.snapRetainCount=10", nameof(ZooConfig.SnapRetainCount), 10 },
        { "autopurge.purgeInterval=24", nameof(ZooConfig.PurgeInterval), 24 },
        { "standaloneEnabled=true", nameof(ZooConfig.StandaloneEnabled), true },
        { "reconfigEnabled=true", nameof(ZooConfig.ReconfigEnabled), true },
        { "snapCount=50000", nameof(ZooConfig.SnapCount), 50000 },
        { "zookeeper.snapCount=50000", nameof(ZooConfig.SnapCount), 50000 },
        { "preAllocSize=1024", nameof(ZooConfig.PreAllocSizeKb), 1024L },
        { "forceSync=no", nameof(ZooConfig.ForceSync), false },
        { "forceSync=yes", nameof(ZooConfig.ForceSync), true },
        { "extendedTypesEnabled=true", nameof(ZooConfig.ExtendedTypesEnabled), true },
        { "zookeeper.extendedTypesEnabled=true", nameof(ZooConfig.ExtendedTypesEnabled), true },
        { "znode.container.checkIntervalMs=1000", nameof(ZooConfig.ZnodeContainerCheckIntervalMs), 1000 },
        { "znode.container.maxPerMinute=100", nameof(ZooConfig.ZnodeContainerMaxPerMinute), 100 },
        { "znode.container.maxNeverUsedIntervalMs=300000", nameof(ZooConfig.ZnodeContainerMaxNeverUsedIntervalMs), 300000L },
        { "globalOutstandingLimit=5000", nameof(ZooConfig.GlobalOutstandingLimit), 5000 },
        { "jute.maxbuffer=4194304", nameof(ZooConfig.JuteMaxBuffer), 4194304 },

        // ZooKeeper reads its system properties with Integer.decode: hex and octal as in Java source.
        { "jute.maxbuffer=0xfffff", nameof(ZooConfig.JuteMaxBuffer), 0xfffff },
        { "jute.maxbuffer=#FFFFF", nameof(ZooConfig.JuteMaxBuffer), 0xfffff },
        { "snapCount=010", nameof(ZooConfig.SnapCount), 8 },
        { "snapCount=+0X10", nameof(ZooConfig.SnapCount), 16 },
        { "admin.enableServer=false", nameof(ZooConfig.AdminEnableServer), false },
        { "admin.serverAddress=127.0.0.1", nameof(ZooConfig.AdminServerAddress), "127.0.0.1" },
        { "admin.serverPort=9090", nameof(ZooConfig.AdminServerPort), 9090 },
        { "admin.commandURL=/cmd", nameof(ZooConfig.AdminCommandUrl), "/cmd" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Each_key_sets_its_property(string lines, string property, object? expected)
    {
        var config = Parse($"dataDir=/d\n{lines}");

        Assert.Equal(expected, typeof(ZooConfig).GetProperty(property)!.GetValue(config));
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData("peerType=observer")]
    [InlineData("peerType=Observer")]
    [InlineData("peerType=participant")]
    public void PeerType_is_a_hint_that_a_standalone_server_overrides(string line)
    {
        // setupPeerType: without a server line of its own the node is a participant, whatever peerType says.
        Assert.Equal(LearnerType.Participant, Parse($"dataDir=/d\n{line}").PeerType);
    }

    [Theory]
    [InlineData("", new[] { "srvr" })]
    [InlineData("4lw.commands.whitelist=ruok", new[] { "ruok", "srvr" })]
    [InlineData("4lw.commands.whitelist=stat, ruok ,,conf", new[] { "conf", "ruok", "srvr", "stat" })]
    [InlineData("4lw.commands.whitelist=", new[] { "srvr" })]
    [InlineData("4lw.commands.whitelist=ruok,*", new[] { "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs" })]
    [InlineData("zookeeper.4lw.commands.whitelist=mntr", new[] { "mntr", "srvr" })]
    public void Four_letter_word_whitelist_always_contains_srvr(string line, string[] expected)
    {
        var config = Parse($"dataDir=/d\n{line}");

        Assert.Equal(expected, config.FourLetterWordWhitelist.Order(StringComparer.Ordinal));
        Assert.True(config.IsFourLetterWordEnabled("srvr"));
        Assert.Equal(expected.Contains("ruok"), config.IsFourLetterWordEnabled("ruok"));
    }

    [Fact]
    public void Unknown_keys_become_zookeeper_system_properties()
    {
        var config = Parse("""
            dataDir=/d
            snapCount=10
            skipACL=yes
            zookeeper.maxCnxns=20
            metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
            metricsProvider.httpPort=7000
            jute.maxbuffer = 0xfffff
            """);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["zookeeper.snapCount"] = "10",
                ["zookeeper.skipACL"] = "yes",
                ["zookeeper.maxCnxns"] = "20",
                ["zookeeper.jute.maxbuffer"] = "0xfffff",
            },
            config.SystemProperties);

        // Keys QuorumPeerConfig knows itself are not system properties, but every key is in Properties.
        Assert.Equal("7000", config.Properties["metricsProvider.httpPort"]);
        Assert.Equal("0xfffff", config.Properties["jute.maxbuffer"]);
        Assert.Equal(7, config.Properties.Count);
    }

    [Fact]
    public void Known_ZooKeeper_keys_that_CoordAspire_does_not_use_are_accepted()
    {
        var config = Parse("""
            dataDir=/d
            sslQuorum=false
            portUnification=false
            sslQuorumReloadCertFiles=true
            quorum.auth.enableSasl=false
            quorum.auth.serverRequireSasl=false
            quorum.auth.learnerRequireSasl=false
            quorum.auth.learner.saslLoginContext=QuorumLearner
            quorum.auth.server.saslLoginContext=QuorumServer
            quorum.auth.kerberos.servicePrincipal=zkquorum/localhost
            quorum.cnxn.threads.size=20
            jvm.pause.monitor=true
            jvm.pause.info-threshold.ms=1000
            jvm.pause.warn-threshold.ms=10000
            jvm.pause.sleep.time.ms=500
            multiAddress.enabled=false
            multiAddress.reachabilityCheckEnabled=true
            multiAddress.reachabilityCheckTimeoutMs=1000
            """);

        Assert.Empty(config.SystemProperties);
        Assert.Equal(18, config.Properties.Count);
    }

    [Fact]
    public void Version_key_in_the_static_file_is_the_hex_config_version()
    {
        // QuorumMaj reads "version" as hex (Long.parseLong(value, 16)), as ZooKeeper writes it after a reconfig.
        var config = Parse($"{Ensemble}\nversion=100000000", (MyId, "1"));

        Assert.Equal(0x100000000, config.ConfigVersion);
    }

    // ---------------------------------------------------------------- errors, with line numbers

    public static TheoryData<string, string> Errors => new()
    {
        // Syntax and value formats.
        { "dataDir=/d\nclientPort=abc", "conf/zoo.cfg:2: clientPort: 'abc' is not a number" },
        { "dataDir=/d\nclientPort=", "conf/zoo.cfg:2: clientPort: '' is not a number" },
        { "dataDir=/d\nclientPort=2181L", "conf/zoo.cfg:2: clientPort: '2181L' is not a number" },
        { "dataDir=/d\nclientPort=0x881", "conf/zoo.cfg:2: clientPort: '0x881' is not a number" },
        { "dataDir=/d\nclientPort=21 81", "conf/zoo.cfg:2: clientPort: '21 81' is not a number" },
        { "dataDir=/d\nclientPort=70000", "conf/zoo.cfg:2: clientPort: port 70000 is out of range (0-65535)" },
        { "dataDir=/d\nclientPort=-5", "conf/zoo.cfg:2: clientPort: port -5 is out of range (0-65535)" },
        { "dataDir=/d\nsecureClientPort=65536", "conf/zoo.cfg:2: secureClientPort: port 65536 is out of range (0-65535)" },
        { "dataDir=/d\ntickTime=99999999999", "conf/zoo.cfg:2: tickTime: '99999999999' is out of range (-2147483648 to 2147483647)" },
        { "dataDir=/d\ntickTime=0", "conf/zoo.cfg:2: tickTime: 0 must be a positive number" },
        { "dataDir=/d\ntickTime=-2000", "conf/zoo.cfg:2: tickTime: -2000 must be a positive number" },
        { "dataDir=/d\ninitLimit=-1", "conf/zoo.cfg:2: initLimit: -1 must not be negative" },
        { "dataDir=/d\nmaxClientCnxns=-1", "conf/zoo.cfg:2: maxClientCnxns: -1 must not be negative" },
        { "dataDir=/d\nminSessionTimeout=-2", "conf/zoo.cfg:2: minSessionTimeout: -2 must not be negative (-1 means the default)" },
        { "dataDir=/d\nstandaloneEnabled=yes", "conf/zoo.cfg:2: standaloneEnabled: 'yes' is not a boolean; choose 'true' or 'false'" },
        { "dataDir=/d\nextendedTypesEnabled=1", "conf/zoo.cfg:2: extendedTypesEnabled: '1' is not a boolean; choose 'true' or 'false'" },
        { "dataDir=/d\nforceSync=No", "conf/zoo.cfg:2: forceSync: 'No' is not 'yes' or 'no'" },
        { "dataDir=/d\nsnapCount=lots", "conf/zoo.cfg:2: snapCount: 'lots' is not a number" },
        { "dataDir=/d\nzookeeper.snapCount=lots", "conf/zoo.cfg:2: zookeeper.snapCount: 'lots' is not a number" },
        { "dataDir=/d\npreAllocSize=-1", "conf/zoo.cfg:2: preAllocSize: must not be negative" },
        { "dataDir=/d\nznode.container.checkIntervalMs=0", "conf/zoo.cfg:2: znode.container.checkIntervalMs: '0' is out of range (1 to 2147483647)" },
        { "dataDir=/d\nznode.container.maxNeverUsedIntervalMs=-1", "conf/zoo.cfg:2: znode.container.maxNeverUsedIntervalMs: '-1' is out of range (0 to 9223372036854775807)" },
        { "dataDir=/d\nsnapCount=08", "conf/zoo.cfg:2: snapCount: '08' is not a number" }, // octal
        { "dataDir=/d\nsnapCount=0x", "conf/zoo.cfg:2: snapCount: '0x' is not a number" },
        { "dataDir=/d\nsnapCount=0x-1", "conf/zoo.cfg:2: snapCount: '0x-1' is not a number" },
        { "dataDir=/d\njute.maxbuffer=0x80000000", "conf/zoo.cfg:2: jute.maxbuffer: '0x80000000' is out of range (1 to 2147483647)" },
        { "dataDir=/d\nsnapCount=99999999999999999999999999", "conf/zoo.cfg:2: snapCount: '99999999999999999999999999' is out of range (-2147483648 to 2147483647)" },
        { "dataDir=/d\nadmin.serverPort=65536", "conf/zoo.cfg:2: admin.serverPort: '65536' is out of range (0 to 65535)" },
        { "dataDir=/d\nadmin.serverPort=http", "conf/zoo.cfg:2: admin.serverPort: 'http' is not a number" },
        { "dataDir=/d\n4lw.commands.whitelist=ruok,stats", "conf/zoo.cfg:2: 4lw.commands.whitelist: 'stats' is not a four letter word command (known: conf, cons, crst, dirs, dump, envi, gtmk, hash, isro, mntr, ruok, srst, srvr, stat, stmk, wchc, wchp, wchs)" },
        { "dataDir=/d\nelectionAlg=1", "conf/zoo.cfg:2: electionAlg: 1 is not supported; only 3 (fast leader election) is" },
        { "dataDir=/d\npeerType=leader", "conf/zoo.cfg:2: peerType: 'leader' is not a peer type; use 'participant' or 'observer'" },
        { "dataDir=/d\nkey=\\u00zz", "conf/zoo.cfg:2: Malformed \\uxxxx encoding." },
        { "dataDir=/d\nkey=\\u00", "conf/zoo.cfg:2: Malformed \\uxxxx encoding." },

        // Missing and inconsistent settings.
        { "clientPort=2181", "conf/zoo.cfg: dataDir is not set" },
        { "", "conf/zoo.cfg: dataDir is not set" },
        { "# only a comment\n", "conf/zoo.cfg: dataDir is not set" },
        { "dataDir=", "conf/zoo.cfg:1: dataDir: value is empty" },
        { "dataDir=/d\ndataLogDir=  ", "conf/zoo.cfg:2: dataLogDir: value is empty" },
        { "dataDir=/d\nclientPortAddress=127.0.0.1", "conf/zoo.cfg:2: clientPortAddress is set but clientPort is not set" },
        { "dataDir=/d\nsecureClientPortAddress=127.0.0.1", "conf/zoo.cfg:2: secureClientPortAddress is set but secureClientPort is not set" },
        { "dataDir=/d\nclientPort=2181\nclientPortAddress=", "conf/zoo.cfg:3: clientPortAddress: host is empty" },
        { "dataDir=/d\nclientPort=2181\nclientPortAddress=my host", "conf/zoo.cfg:3: clientPortAddress: 'my host' is not a host name or IP address" },
        { "dataDir=/d\ntickTime=2000\nminSessionTimeout=50000", "conf/zoo.cfg:3: minSessionTimeout (50000) must not be larger than maxSessionTimeout (40000)" },
        { "dataDir=/d\nmaxSessionTimeout=1000", "conf/zoo.cfg:2: minSessionTimeout (6000) must not be larger than maxSessionTimeout (1000)" },
        { "dataDir=/d\nmaxSessionTimeout=10000\nminSessionTimeout=20000", "conf/zoo.cfg:3: minSessionTimeout (20000) must not be larger than maxSessionTimeout (10000)" },
        { "dataDir=/d\nquorum.auth.serverRequireSasl=true", "conf/zoo.cfg:2: quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl" },
        { "dataDir=/d\nquorum.auth.learnerRequireSasl=true", "conf/zoo.cfg:2: quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl" },

        // Features CoordAspire refuses rather than ignores.
        { "dataDir=/d\nsslQuorum=true", "conf/zoo.cfg:2: sslQuorum: true is not supported by CoordAspire" },
        { "dataDir=/d\nportUnification=true", "conf/zoo.cfg:2: portUnification: true is not supported by CoordAspire" },
        { "dataDir=/d\nquorum.auth.enableSasl=true", "conf/zoo.cfg:2: quorum.auth.enableSasl: true is not supported by CoordAspire" },
        { "dataDir=/d\noraclePath=/tmp/oracle", "conf/zoo.cfg:2: oraclePath: oracle quorums (QuorumOracleMaj) are not supported by CoordAspire" },
        { "dataDir=/d\ngroup.1=1:2:3", "conf/zoo.cfg:2: group.1: hierarchical quorums (group.N/weight.N) are not supported by CoordAspire; use majority quorums" },
        { "dataDir=/d\nweight.1=2", "conf/zoo.cfg:2: weight.1: hierarchical quorums (group.N/weight.N) are not supported by CoordAspire; use majority quorums" },

        // The ensemble.
        { Ensemble.Replace("initLimit=10\n", "", StringComparison.Ordinal), "conf/zoo.cfg: initLimit is not set; an ensemble needs it" },
        { Ensemble.Replace("initLimit=10", "initLimit=0", StringComparison.Ordinal), "conf/zoo.cfg:2: initLimit is not set; an ensemble needs it" },
        { Ensemble.Replace("syncLimit=5\n", "", StringComparison.Ordinal), "conf/zoo.cfg: syncLimit is not set; an ensemble needs it" },
        { Ensemble, "/var/lib/zk/myid: myid file is missing; a member of an ensemble reads its server id from it" },
        { "dataDir=/d\nserver.a=h:1:2", "conf/zoo.cfg:2: server.a: 'a' is not a number" },
        { "dataDir=/d\nserver.=h:1:2", "conf/zoo.cfg:2: server.: '' is not a number" },
        { "dataDir=/d\nserver.1.2=h:1:2", "conf/zoo.cfg:2: server.1.2: '1.2' is not a number" },
        { "dataDir=/d\nserver.-1=h:1:2", "conf/zoo.cfg:2: server.-1: server id -1 must not be negative" },
        { "dataDir=/d\nserver.1=h:2888", "conf/zoo.cfg:2: server.1: 'h:2888' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h", "conf/zoo.cfg:2: server.1: 'h' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=", "conf/zoo.cfg:2: server.1: '' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h:1:2:observer:x", "conf/zoo.cfg:2: server.1: 'h:1:2:observer:x' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h:1:2;;2181", "conf/zoo.cfg:2: server.1: 'h:1:2;;2181' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h:1:2;a:b:c", "conf/zoo.cfg:2: server.1: 'h:1:2;a:b:c' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=::1:2888:3888", "conf/zoo.cfg:2: server.1: '::1:2888:3888' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h:abc:3888", "conf/zoo.cfg:2: server.1: quorum port: 'abc' is not a number" },
        { "dataDir=/d\nserver.1=h:2888:", "conf/zoo.cfg:2: server.1: 'h:2888:' is not a server address; expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]" },
        { "dataDir=/d\nserver.1=h:2888:x", "conf/zoo.cfg:2: server.1: election port: 'x' is not a number" },
        { "dataDir=/d\nserver.1=h :2888:3888", "conf/zoo.cfg:2: server.1: 'h ' is not a host name or IP address" },
        { "dataDir=/d\nserver.1=h: 2888:3888", "conf/zoo.cfg:2: server.1: quorum port: ' 2888' is not a number" }, // as ZooKeeper: no trimming inside
        { "dataDir=/d\nserver.1=h:70000:3888", "conf/zoo.cfg:2: server.1: quorum port 70000 is out of range (1-65535)" },
        { "dataDir=/d\nserver.1=h:0:3888", "conf/zoo.cfg:2: server.1: quorum port 0 is out of range (1-65535)" },
        { "dataDir=/d\nserver.1=h:2888:3888;x", "conf/zoo.cfg:2: server.1: client port: 'x' is not a number" },
        { "dataDir=/d\nserver.1=h:2888:3888;99999", "conf/zoo.cfg:2: server.1: client port 99999 is out of range (1-65535)" },
        { "dataDir=/d\nserver.1=h:2888:2888", "conf/zoo.cfg:2: server.1: quorum port and election port must be different (both are 2888)" },
        { "dataDir=/d\nserver.1=h:2888:3888:leader", "conf/zoo.cfg:2: server.1: 'leader' is not a peer type; use 'participant' or 'observer'" },
        { "dataDir=/d\nserver.1=:2888:3888", "conf/zoo.cfg:2: server.1: host is empty" },
        { "dataDir=/d\nserver.1=[::1:2888:3888", "conf/zoo.cfg:2: server.1: '[::1:2888:3888' starts with '[' but has no matching ']'" },
        { "dataDir=/d\nserver.1=[::1]:", "conf/zoo.cfg:2: server.1: '[::1]:' has no port after ']:'" },
        { "dataDir=/d\nserver.1=a:1:2|b:1:2", "conf/zoo.cfg:2: server.1: multiple addresses ('|') for one server are not supported" },
        { "dataDir=/d\nserver.1=a:1:2\nserver.01=b:1:2", "conf/zoo.cfg:3: server.01: server id 1 is already defined by server.1 on line 2" },
        { "dataDir=/d\nserver.1=a:1:2\nserver.1=b:1:2", "conf/zoo.cfg:3: server.1: server id 1 is already defined by server.1 on line 2" },
        { "dataDir=/d\nserver.1=a:1:2\nserver.2=A:3:1", "conf/zoo.cfg:3: server.2: address A:1 is already used by server.1 on line 2" },
        { "dataDir=/d\nserver.1=h:2888:3888:observer", "conf/zoo.cfg:2: observers without participants is an invalid configuration" },
        { "dataDir=/d\nserver.1=a:1:2\nserver.2=b:1:2:observer", "conf/zoo.cfg:3: observers without a quorum is an invalid configuration (a single participant runs standalone while standaloneEnabled is true)" },
        { "dataDir=/d\nstandaloneEnabled=false", "conf/zoo.cfg:2: standaloneEnabled is false, so the server.N lines must name at least one participant" },
        { "dataDir=/d\nversion=xyz\nserver.1=a:1:2", "conf/zoo.cfg:2: version: 'xyz' is not a hexadecimal number" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Malformed_configuration_is_refused_naming_file_line_and_reason(string text, string message)
    {
        var error = Refused(text);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Exception_carries_file_line_and_reason_separately()
    {
        var error = Refused("# zoo.cfg\n\ndataDir=/d\n\n\n\nclientPort=abc\n");

        Assert.Equal("conf/zoo.cfg:7: clientPort: 'abc' is not a number", error.Message);
        Assert.Equal(CfgFile, error.FileName);
        Assert.Equal(7, error.LineNumber);
        Assert.Equal("clientPort: 'abc' is not a number", error.Reason);
    }

    [Fact]
    public void Of_several_mistakes_the_first_in_the_file_is_reported()
    {
        var error = Refused("dataDir=/d\nsyncLimit=x\ntickTime=y\ninitLimit=z");

        Assert.Equal(2, error.LineNumber);
    }

    // ---------------------------------------------------------------- adjustments ZooKeeper makes with a warning

    [Theory]
    [InlineData("autopurge.snapRetainCount=1", nameof(ZooConfig.SnapRetainCount), 3, "conf/zoo.cfg:2: autopurge.snapRetainCount 1 is below the minimum; using 3")]
    [InlineData("snapCount=1", nameof(ZooConfig.SnapCount), 2, "conf/zoo.cfg:2: snapCount should be 2 or more; using 2")]
    [InlineData("dataLogDir=log", nameof(ZooConfig.DataLogDir), "log", "conf/zoo.cfg:2: dataLogDir 'log' is relative to the working directory; prepend ./ if that is intended")]
    public void Out_of_range_values_are_adjusted_with_a_warning(string line, string property, object expected, string warning)
    {
        var config = Parse($"dataDir=/d\n{line}");

        Assert.Equal(expected, typeof(ZooConfig).GetProperty(property)!.GetValue(config));
        Assert.Equal([warning], config.Warnings);
    }

    [Fact]
    public void Dot_slash_marks_a_relative_dataDir_as_intended()
    {
        Assert.Empty(Parse("dataDir=./data").Warnings);
    }

    // ---------------------------------------------------------------- files on disk

    [Fact]
    public void Parse_reads_the_file_myid_and_dynamic_file_from_disk()
    {
        var dir = Directory.CreateTempSubdirectory("coordaspire-cfg-");
        try
        {
            var dataDir = Path.Join(dir.FullName, "data");
            Directory.CreateDirectory(dataDir);
            File.WriteAllText(Path.Join(dataDir, "myid"), "2\n");
            var dynamic = Path.Join(dir.FullName, "zoo.cfg.dynamic.2");
            File.WriteAllText(dynamic, "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889;127.0.0.1:2182\nserver.3=127.0.0.1:2890:3890\n");
            var cfg = Path.Join(dir.FullName, "zoo.cfg");
            File.WriteAllText(cfg, $"tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={dataDir}\ndynamicConfigFile={dynamic}\n");

            var config = ZooConfigParser.Parse(cfg);

            Assert.Equal(cfg, config.ConfigFile);
            Assert.Equal(2, config.ServerId);
            Assert.Equal(2, config.ConfigVersion);
            Assert.Equal(new HostPort("127.0.0.1", 2182), config.ClientPortAddress);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_refuses_a_missing_file()
    {
        var error = Assert.Throws<ZooConfigException>(() => ZooConfigParser.Parse("/nonexistent/zoo.cfg"));

        Assert.Equal("/nonexistent/zoo.cfg: configuration file does not exist", error.Message);
    }

    [Theory]
    [InlineData("zoo.cfg")]
    [InlineData("zoo_sample.cfg")]
    public void Shipped_configurations_parse_as_a_standalone_server_on_2181(string name)
    {
        var config = ZooConfigParser.Parse(ShippedConfig(name));

        Assert.Equal(2000, config.TickTime);
        Assert.Equal("/tmp/coordaspire/data", config.DataDir);
        Assert.Equal(2181, config.ClientPort);
        Assert.False(config.IsDistributed);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Shipped_zoo_cfg_listens_on_loopback()
    {
        Assert.Equal(new HostPort("127.0.0.1", 2181), ZooConfigParser.Parse(ShippedConfig("zoo.cfg")).ClientPortAddress);
    }

    /// <summary>Node/conf is copied next to this assembly (see the csproj); from a source tree, walk up to it.</summary>
    private static string ShippedConfig(string name)
    {
        var copied = Path.Join(AppContext.BaseDirectory, "conf", name);
        if (File.Exists(copied))
        {
            return copied;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "Node", "conf", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Node/conf/{name} not found above {AppContext.BaseDirectory}");
    }
}
