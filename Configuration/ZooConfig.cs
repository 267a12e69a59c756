using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// The configuration of a node, read from <c>zoo.cfg</c> the way ZooKeeper 3.8 reads it
/// (<c>QuorumPeerConfig</c> plus the <c>zookeeper.*</c> system properties that unknown keys become).
/// Names are ZooKeeper's. Immutable; the defaults are ZooKeeper's, so <c>new ZooConfig { DataDir = … }</c>
/// is the standalone server that a zoo.cfg with only <c>dataDir</c> describes.
/// Build one from a file with <see cref="ZooConfigParser"/>, which also enforces ZooKeeper's checks.
/// </summary>
public sealed record ZooConfig
{
    /// <summary><c>ZooKeeperServer.DEFAULT_TICK_TIME</c>; the sample zoo.cfg sets 2000.</summary>
    public const int DefaultTickTime = 3000;

    /// <summary><c>jute.maxbuffer</c>'s default: the largest packet (and so znode data) accepted, just under 1 MiB.</summary>
    public const int DefaultJuteMaxBuffer = 0xfffff;

    /// <summary>The path the configuration was read from (ZooKeeper's <c>configFileStr</c>), or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The unit of time, in milliseconds, of heartbeats, session timeouts and the init/sync limits.</summary>
    public int TickTime { get; init; } = DefaultTickTime;

    /// <summary>Ticks a follower may take to connect to and sync with the leader. Required in an ensemble.</summary>
    public int InitLimit { get; init; }

    /// <summary>Ticks a follower may lag behind the leader before it is dropped. Required in an ensemble.</summary>
    public int SyncLimit { get; init; }

    /// <summary>Ticks a learner may take to connect to the leader; 0 means ZooKeeper's fallback to <see cref="InitLimit"/>.</summary>
    public int ConnectToLearnerMasterLimit { get; init; }

    /// <summary>Where snapshots (and <c>myid</c>) live. Required.</summary>
    public required string DataDir { get; init; }

    /// <summary>Where the transaction log lives; defaults to <see cref="DataDir"/>.</summary>
    public string DataLogDir
    {
        get => dataLogDir ?? DataDir;
        init => dataLogDir = value;
    }

    /// <summary>
    /// Where this node accepts clients: <c>clientPortAddress:clientPort</c> (all interfaces when no address), or the
    /// client address of this node's own <c>server.N</c> line. Null when no client port is set.
    /// </summary>
    public HostPort? ClientPortAddress { get; init; }

    /// <summary>The port of <see cref="ClientPortAddress"/>, 0 when unset.</summary>
    public int ClientPort => ClientPortAddress?.Port ?? 0;

    /// <summary>Where this node accepts TLS clients (<c>secureClientPortAddress:secureClientPort</c>), or null.</summary>
    public HostPort? SecureClientPortAddress { get; init; }

    /// <summary>Port on which a follower serves observers (0 = observers connect to the leader).</summary>
    public int ObserverMasterPort { get; init; }

    /// <summary>Backlog of the client listen socket; -1 means the platform default.</summary>
    public int ClientPortListenBacklog { get; init; } = -1;

    /// <summary>Concurrent connections one client IP may hold; 0 means no limit.</summary>
    public int MaxClientCnxns { get; init; } = 60;

    /// <summary>The least session timeout the server grants, in milliseconds; defaults to 2 × <see cref="TickTime"/>.</summary>
    public int MinSessionTimeout
    {
        get => minSessionTimeout ?? 2 * TickTime;
        init => minSessionTimeout = value;
    }

    /// <summary>The greatest session timeout the server grants, in milliseconds; defaults to 20 × <see cref="TickTime"/>.</summary>
    public int MaxSessionTimeout
    {
        get => maxSessionTimeout ?? 20 * TickTime;
        init => maxSessionTimeout = value;
    }

    /// <summary><c>localSessionsEnabled</c> (default false): new sessions stay on the member that made them.</summary>
    public bool LocalSessionsEnabled { get; init; }

    /// <summary><c>localSessionsUpgradingEnabled</c> (default false, as QuorumPeerConfig): an ephemeral upgrades a local session.</summary>
    public bool LocalSessionsUpgradingEnabled { get; init; }

    /// <summary>Only 3 (fast leader election over TCP) exists since ZooKeeper 3.6.</summary>
    public int ElectionAlg { get; init; } = 3;

    /// <summary>Bind the quorum and election ports on all interfaces rather than the configured host.</summary>
    public bool QuorumListenOnAllIPs { get; init; }

    /// <summary>
    /// This node's role. The <c>peerType</c> key is only a hint: like ZooKeeper, the parser replaces it with the role of
    /// this node's <c>server.N</c> line (and warns when they differ).
    /// </summary>
    public LearnerType PeerType { get; init; } = LearnerType.Participant;

    /// <summary>Whether an observer logs and snapshots what it learns, like a follower.</summary>
    public bool SyncEnabled { get; init; } = true;

    /// <summary>The file the <c>server.N</c> lines were read from instead of this one (<c>dynamicConfigFile</c>), or null.</summary>
    public string? DynamicConfigFile { get; init; }

    /// <summary><c>autopurge.snapRetainCount</c>: snapshots (and their logs) kept by the purge task; at least 3.</summary>
    public int SnapRetainCount { get; init; } = 3;

    /// <summary><c>autopurge.purgeInterval</c>: hours between purges; 0 disables purging.</summary>
    public int PurgeInterval { get; init; }

    /// <summary>When true (the default) a configuration with a single participant runs as a standalone server.</summary>
    public bool StandaloneEnabled { get; init; } = true;

    /// <summary>Whether the <c>reconfig</c> operation is allowed.</summary>
    public bool ReconfigEnabled { get; init; }

    /// <summary>This node's id from <c>dataDir/myid</c>; null when the file is absent (standalone).</summary>
    public long? ServerId { get; init; }

    /// <summary>The ensemble: every <c>server.N</c> line, participants and observers, by id (in id order when parsed).</summary>
    public IReadOnlyDictionary<long, QuorumServer> Servers { get; init; } = FrozenDictionary<long, QuorumServer>.Empty;

    /// <summary>
    /// Version of the ensemble configuration (ZooKeeper's <c>QuorumVerifier.getVersion</c>): the hex suffix of the dynamic
    /// file's name (<c>zoo.cfg.dynamic.100000000</c>) or a <c>version</c> key in the static file; 0 otherwise.
    /// </summary>
    public long ConfigVersion { get; init; }

    /// <summary>
    /// <c>zookeeper.snapCount</c>: transactions between snapshots (randomised by the server to avoid all members
    /// snapshotting at once); at least 2.
    /// </summary>
    public int SnapCount { get; init; } = 100_000;

    /// <summary><c>zookeeper.preAllocSize</c>: the transaction log grows in blocks of this many kilobytes (64 MiB).</summary>
    public long PreAllocSizeKb { get; init; } = 64 * 1024;

    /// <summary><c>zookeeper.forceSync</c>: fsync the transaction log before acknowledging. Turning it off trades durability for speed.</summary>
    public bool ForceSync { get; init; } = true;

    /// <summary><c>zookeeper.extendedTypesEnabled</c>: TTL nodes; limits server ids to 254.</summary>
    public bool ExtendedTypesEnabled { get; init; }

    /// <summary>The four letter words this node answers (<c>4lw.commands.whitelist</c>); <c>srvr</c> is always in.</summary>
    public IReadOnlySet<string> FourLetterWordWhitelist { get; init; } = FourLetterWords.Default;

    /// <summary><c>znode.container.checkIntervalMs</c> (a zoo.cfg key only in CoordAspire; ZooKeeper takes it from -D): how often empty containers and expired TTL nodes are looked for.</summary>
    public int ZnodeContainerCheckIntervalMs { get; init; } = 60_000;

    /// <summary><c>znode.container.maxPerMinute</c>: the most container deletions per minute.</summary>
    public int ZnodeContainerMaxPerMinute { get; init; } = 10_000;

    /// <summary><c>znode.container.maxNeverUsedIntervalMs</c>: delete containers never given a child after this long; 0 = never.</summary>
    public long ZnodeContainerMaxNeverUsedIntervalMs { get; init; }

    /// <summary><c>zookeeper.globalOutstandingLimit</c>: queued requests beyond which the server stops reading from clients.</summary>
    public int GlobalOutstandingLimit { get; init; } = 1000;

    /// <summary>
    /// <c>jute.maxbuffer</c>: the largest request or reply packet, in bytes. ZooKeeper reads it only as the
    /// <c>-Djute.maxbuffer</c> system property; CoordAspire also takes it from zoo.cfg.
    /// </summary>
    public int JuteMaxBuffer { get; init; } = DefaultJuteMaxBuffer;

    /// <summary><c>admin.enableServer</c>: whether the HTTP AdminServer runs.</summary>
    public bool AdminEnableServer { get; init; } = true;

    /// <summary><c>admin.serverAddress</c>.</summary>
    public string AdminServerAddress { get; init; } = HostPort.AnyAddress;

    /// <summary><c>admin.serverPort</c>.</summary>
    public int AdminServerPort { get; init; } = 8080;

    /// <summary>
    /// Read-only mode (<c>readonlymode.enabled</c>): a participant cut off from its quorum keeps serving the clients
    /// that allow it, read-only, until an election ends. From the zoo.cfg key or <c>-Dreadonlymode.enabled</c> in
    /// <c>SERVER_JVMFLAGS</c>/<c>JVMFLAGS</c> (<see cref="JvmFlags"/>).
    /// </summary>
    public bool ReadOnlyModeEnabled { get; init; }

    /// <summary><c>admin.commandURL</c>.</summary>
    public string AdminCommandUrl { get; init; } = "/commands";

    /// <summary><c>metricsProvider.className</c> and the provider's own <c>metricsProvider.*</c> settings.</summary>
    public MetricsProviderConfig MetricsProvider { get; init; } = new();

    /// <summary>Every key of the file with its (trimmed) value, the last one winning as in Java's <c>Properties</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// What ZooKeeper would have set as Java system properties: every key it does not know itself becomes
    /// <c>zookeeper.&lt;key&gt;</c> (a key already starting with <c>zookeeper.</c> is kept as is). The typed settings
    /// above that are ZooKeeper system properties are read from here.
    /// </summary>
    public IReadOnlyDictionary<string, string> SystemProperties { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Things ZooKeeper would log a warning about while reading the configuration, with file and line.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The participants: they vote and make up the quorums.</summary>
    public IEnumerable<QuorumServer> VotingMembers => Servers.Values.Where(s => s.Type == LearnerType.Participant);

    /// <summary>The observers.</summary>
    public IEnumerable<QuorumServer> ObservingMembers => Servers.Values.Where(s => s.Type == LearnerType.Observer);

    /// <summary>
    /// True when this node is a member of an ensemble rather than a standalone server (<c>QuorumPeerConfig.isDistributed</c>):
    /// more than one participant, or any when standalone mode is disabled.
    /// </summary>
    public bool IsDistributed => Servers.Count > 0 && (!StandaloneEnabled || VotingMembers.Skip(1).Any());

    /// <summary>This node's own <c>server.N</c> line, or null.</summary>
    public QuorumServer? Self => ServerId is { } id && Servers.TryGetValue(id, out var self) ? self : null;

    /// <summary>Whether this node answers the four letter word <paramref name="command"/>.</summary>
    public bool IsFourLetterWordEnabled(string command) => FourLetterWordWhitelist.Contains(command);

    private readonly string? dataLogDir;
    private readonly int? minSessionTimeout;
    private readonly int? maxSessionTimeout;
}
