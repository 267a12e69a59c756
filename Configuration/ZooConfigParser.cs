using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// Reads <c>zoo.cfg</c> as ZooKeeper 3.8's <c>QuorumPeerConfig.parse</c> does, and refuses what it refuses, with
/// messages that name the file and line (<c>conf/zoo.cfg:7: clientPort: 'abc' is not a number</c>).
/// <para>
/// Where ZooKeeper is lax by accident we are strict, and say so where it happens: a malformed number for a setting
/// ZooKeeper reads as a system property (it silently keeps the default), an unknown four letter word, duplicate
/// server ids or addresses, port 0 in a server line. Features CoordAspire does not implement (hierarchical
/// quorums, quorum TLS and SASL, multiple addresses per server, oracle quorums) are refused rather than ignored.
/// </para>
/// This file holds the entry points and the static settings (<c>parseProperties</c>); the ensemble
/// (<c>server.N</c>, <c>dynamicConfigFile</c>, <c>myid</c>), the settings ZooKeeper keeps as system
/// properties and the metrics provider's are in the partial files next to it.
/// </summary>
public sealed partial class ZooConfigParser
{
    private readonly string fileName;
    private readonly Func<string, string?> readFile;
    private readonly List<string> warnings = [];

    // Every key as written (last one wins), and what ZooKeeper would turn into zookeeper.* system properties.
    private readonly Dictionary<string, ConfigEntry> settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigEntry> systemProperties = new(StringComparer.Ordinal);

    // The fields of QuorumPeerConfig, with its defaults.
    private string? dataDir;
    private string? dataLogDir;
    private int clientPort;
    private string? clientPortAddress;
    private int secureClientPort;
    private string? secureClientPortAddress;
    private int observerMasterPort;
    private int clientPortListenBacklog = -1;
    private int tickTime = ZooConfig.DefaultTickTime;
    private int maxClientCnxns = 60;
    private int? minSessionTimeout;
    private int? maxSessionTimeout;
    private bool localSessionsEnabled;
    private bool localSessionsUpgradingEnabled;
    private int initLimit;
    private int syncLimit;
    private int connectToLearnerMasterLimit;
    private int electionAlg = 3;
    private bool quorumListenOnAllIPs;
    private LearnerType peerType = LearnerType.Participant;
    private bool syncEnabled = true;
    private ConfigEntry? dynamicConfigFile;
    private int snapRetainCount = 3;
    private int purgeInterval;
    private bool standaloneEnabled = true;
    private bool reconfigEnabled;
    private bool quorumServerRequireSasl;
    private bool quorumLearnerRequireSasl;

    private ZooConfigParser(string fileName, Func<string, string?> readFile)
    {
        this.fileName = fileName;
        this.readFile = readFile;
    }

    /// <summary>Reads the configuration file at <paramref name="path"/>, its dynamic file and <c>dataDir/myid</c> from disk.</summary>
    /// <exception cref="ZooConfigException">The configuration is malformed or would be refused by ZooKeeper.</exception>
    public static ZooConfig Parse(string path)
    {
        var text = ReadFileFromDisk(path) ?? throw new ZooConfigException(path, null, "configuration file does not exist");
        return ParseText(text, path, ReadFileFromDisk);
    }

    /// <summary>
    /// Reads configuration <paramref name="text"/> as if it were the file <paramref name="fileName"/>.
    /// <paramref name="readFile"/> is asked for the other files (<c>dataDir/myid</c>, the <c>dynamicConfigFile</c>)
    /// by path, exactly as written in the configuration, and returns null for a file that does not exist.
    /// </summary>
    /// <exception cref="ZooConfigException">The configuration is malformed or would be refused by ZooKeeper.</exception>
    public static ZooConfig ParseText(string text, string fileName, Func<string, string?> readFile) =>
        new ZooConfigParser(fileName, readFile).ParseProperties(text);

    private static string? ReadFileFromDisk(string path)
    {
        try
        {
            // ZooKeeper opens relative paths against the working directory; so does File.
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZooConfigException(path, null, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary><c>QuorumPeerConfig.parseProperties</c>.</summary>
    private ZooConfig ParseProperties(string text)
    {
        var serverEntries = new List<ConfigEntry>();
        foreach (var entry in JavaProperties.Read(text, fileName).Select(e => ConfigEntry.From(e, fileName)))
        {
            // server.N lines are all kept, so that a repeated id is refused rather than silently replaced.
            if (entry.Key.StartsWith(QuorumServerLine.Prefix, StringComparison.Ordinal))
            {
                serverEntries.Add(entry);
            }
            else if (settings.TryGetValue(entry.Key, out var earlier))
            {
                warnings.Add($"{entry.Location}: {entry.Key} is set again; the value on line {earlier.LineNumber} is ignored");
            }

            settings[entry.Key] = entry;
        }

        dynamicConfigFile = settings.GetValueOrDefault("dynamicConfigFile");

        // In file order, so that of several mistakes the first one is reported (ZooKeeper's order is a hash table's).
        var nonServerEntries = settings.Values.Where(e => !e.Key.StartsWith(QuorumServerLine.Prefix, StringComparison.Ordinal));
        foreach (var entry in nonServerEntries.Concat(serverEntries).OrderBy(e => e.LineNumber))
        {
            ParseSetting(entry);
        }

        ParseSystemProperties();
        ParseMetricsProvider();
        CheckStaticSettings();

        var ensemble = dynamicConfigFile is null
            ? ReadEnsemble(serverEntries, settings.GetValueOrDefault("version"))
            : ReadDynamicConfigFile(dynamicConfigFile);

        return Build(ensemble);
    }

    /// <summary>One key of <c>parseProperties</c>' if-chain.</summary>
    private void ParseSetting(ConfigEntry entry)
    {
        switch (entry.Key)
        {
            case "dataDir":
                dataDir = ParseDirectory(entry);
                break;
            case "dataLogDir":
                dataLogDir = ParseDirectory(entry);
                break;
            case "clientPort":
                clientPort = entry.ToPort(allowZero: true); // 0 is ZooKeeper's "not set"
                break;
            case "localSessionsEnabled":
                localSessionsEnabled = entry.ToBoolean();
                break;
            case "localSessionsUpgradingEnabled":
                localSessionsUpgradingEnabled = entry.ToBoolean();
                break;
            case "clientPortAddress":
                clientPortAddress = entry.ToHost(entry.Value);
                break;
            case "secureClientPort":
                secureClientPort = entry.ToPort(allowZero: true);
                break;
            case "secureClientPortAddress":
                secureClientPortAddress = entry.ToHost(entry.Value);
                break;
            case "observerMasterPort":
                observerMasterPort = entry.ToPort(allowZero: true);
                break;
            case "clientPortListenBacklog":
                clientPortListenBacklog = entry.ToInt32();
                break;
            case "tickTime":
                // ZooKeeper refuses 0 ("tickTime is not set") and lets a negative tick through to fail later.
                tickTime = entry.ToPositiveInt32();
                break;
            case "maxClientCnxns":
                maxClientCnxns = entry.ToNonNegativeInt32();
                break;
            case "minSessionTimeout":
                minSessionTimeout = ParseSessionTimeout(entry);
                break;
            case "maxSessionTimeout":
                maxSessionTimeout = ParseSessionTimeout(entry);
                break;
            case "initLimit":
                initLimit = entry.ToNonNegativeInt32(); // 0 is "not set", refused later only for an ensemble
                break;
            case "syncLimit":
                syncLimit = entry.ToNonNegativeInt32();
                break;
            case "connectToLearnerMasterLimit":
                connectToLearnerMasterLimit = entry.ToNonNegativeInt32();
                break;
            case "electionAlg":
                electionAlg = entry.ToInt32();
                if (electionAlg != 3)
                {
                    throw entry.Error($"electionAlg: {electionAlg} is not supported; only 3 (fast leader election) is");
                }

                break;
            case "quorumListenOnAllIPs":
                quorumListenOnAllIPs = entry.ToBoolean();
                break;
            case "peerType":
                peerType = QuorumServerLine.ParseLearnerType(entry, entry.Value);
                break;
            case "syncEnabled":
                syncEnabled = entry.ToBoolean();
                break;
            case "dynamicConfigFile":
                entry.ToNonEmpty();
                break;
            case "autopurge.snapRetainCount":
                snapRetainCount = entry.ToInt32();
                break;
            case "autopurge.purgeInterval":
                purgeInterval = entry.ToNonNegativeInt32();
                break;
            case "standaloneEnabled":
                standaloneEnabled = entry.ToBoolean();
                break;
            case "reconfigEnabled":
                reconfigEnabled = entry.ToBoolean();
                break;
            case "sslQuorum":
            case "portUnification":
            case "quorum.auth.enableSasl":
                // Fail closed: running without the TLS or SASL an operator asked for would be a silent security hole.
                if (entry.ToBoolean())
                {
                    throw entry.Error($"{entry.Key}: true is not supported by CoordAspire");
                }

                break;
            case "quorum.auth.serverRequireSasl":
                quorumServerRequireSasl = entry.ToBoolean();
                break;
            case "quorum.auth.learnerRequireSasl":
                quorumLearnerRequireSasl = entry.ToBoolean();
                break;
            case "sslQuorumReloadCertFiles":
            case "jvm.pause.monitor":
            case "multiAddress.enabled":
            case "multiAddress.reachabilityCheckEnabled":
                entry.ToBoolean();
                break;
            case "quorum.cnxn.threads.size":
            case "multiAddress.reachabilityCheckTimeoutMs":
                entry.ToInt32();
                break;
            case "jvm.pause.info-threshold.ms":
            case "jvm.pause.warn-threshold.ms":
            case "jvm.pause.sleep.time.ms":
                entry.ToInt64();
                break;
            case "quorum.auth.learner.saslLoginContext":
            case "quorum.auth.server.saslLoginContext":
            case "quorum.auth.kerberos.servicePrincipal":
                // Known to ZooKeeper and kept in Properties; nothing to check.
                break;
            case "oraclePath":
                throw entry.Error("oraclePath: oracle quorums (QuorumOracleMaj) are not supported by CoordAspire");
            case var key when key.StartsWith(MetricsProviderPrefix, StringComparison.Ordinal):
                metricsProviderEntries.Add(entry);
                break;
            case var key when IsServerKey(key) && dynamicConfigFile is not null:
                throw entry.Error($"{key}: must be in the dynamic config file {dynamicConfigFile.Value} (line {dynamicConfigFile.LineNumber}), not here");
            case var key when IsHierarchicalKey(key):
                throw entry.Error($"{key}: hierarchical quorums (group.N/weight.N) are not supported by CoordAspire; use majority quorums");
            default:
                SetSystemProperty(entry);
                break;
        }
    }

    /// <summary>The checks that close <c>parseProperties</c>, in its order.</summary>
    private void CheckStaticSettings()
    {
        // quorum.auth.enableSasl=true is refused above, so these ZooKeeper consistency checks reduce to "not required".
        if (quorumServerRequireSasl)
        {
            throw settings["quorum.auth.serverRequireSasl"].Error("quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl");
        }

        if (quorumLearnerRequireSasl)
        {
            throw settings["quorum.auth.learnerRequireSasl"].Error("quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl");
        }

        // PurgeTxnLog refuses to keep fewer than 3 snapshots; ZooKeeper resets the value and goes on.
        if (snapRetainCount < 3)
        {
            warnings.Add($"{settings["autopurge.snapRetainCount"].Location}: autopurge.snapRetainCount {snapRetainCount} is below the minimum; using 3");
            snapRetainCount = 3;
        }

        if (dataDir is null)
        {
            throw new ZooConfigException(fileName, null, "dataDir is not set");
        }

        if (clientPort == 0 && clientPortAddress is not null)
        {
            throw settings["clientPortAddress"].Error("clientPortAddress is set but clientPort is not set");
        }

        if (secureClientPort == 0 && secureClientPortAddress is not null)
        {
            throw settings["secureClientPortAddress"].Error("secureClientPortAddress is set but secureClientPort is not set");
        }

        if (MinSessionTimeout > MaxSessionTimeout)
        {
            var culprit = settings.GetValueOrDefault("minSessionTimeout") ?? settings["maxSessionTimeout"];
            throw culprit.Error($"minSessionTimeout ({MinSessionTimeout}) must not be larger than maxSessionTimeout ({MaxSessionTimeout})");
        }
    }

    private int MinSessionTimeout => minSessionTimeout ?? 2 * tickTime;

    private int MaxSessionTimeout => maxSessionTimeout ?? 20 * tickTime;

    private string ParseDirectory(ConfigEntry entry)
    {
        var path = entry.ToNonEmpty();

        // VerifyingFileFactory.warnForRelativePath: a relative path depends on where the server happens to be started.
        if (!Path.IsPathRooted(path) && !path.StartsWith("./", StringComparison.Ordinal))
        {
            warnings.Add($"{entry.Location}: {entry.Key} '{path}' is relative to the working directory; prepend ./ if that is intended");
        }

        return path;
    }

    /// <summary>-1 is ZooKeeper's "not set" (2 or 20 ticks); other negative values are refused.</summary>
    private static int? ParseSessionTimeout(ConfigEntry entry)
    {
        var value = entry.ToInt32();
        return value switch
        {
            -1 => null,
            < 0 => throw entry.Error($"{entry.Key}: {value} must not be negative (-1 means the default)"),
            _ => value,
        };
    }

    private static bool IsServerKey(string key) =>
        key.StartsWith(QuorumServerLine.Prefix, StringComparison.Ordinal) || IsHierarchicalKey(key);

    // ZooKeeper's test is this loose (key.startsWith("group") || key.startsWith("weight")), so keep it.
    private static bool IsHierarchicalKey(string key) =>
        key.StartsWith("group", StringComparison.Ordinal) || key.StartsWith("weight", StringComparison.Ordinal);

    private ZooConfig Build(Ensemble ensemble) => JvmFlags.WithReadOnlyMode(new ZooConfig
    {
        ConfigFile = fileName,
        TickTime = tickTime,
        InitLimit = initLimit,
        SyncLimit = syncLimit,
        ConnectToLearnerMasterLimit = connectToLearnerMasterLimit,
        DataDir = dataDir!,
        DataLogDir = dataLogDir ?? dataDir!,
        ClientPortAddress = ensemble.ClientPortAddress,
        SecureClientPortAddress = secureClientPort == 0 ? null : new HostPort(secureClientPortAddress ?? HostPort.AnyAddress, secureClientPort),
        ObserverMasterPort = observerMasterPort,
        ClientPortListenBacklog = clientPortListenBacklog,
        MaxClientCnxns = maxClientCnxns,
        MinSessionTimeout = MinSessionTimeout,
        MaxSessionTimeout = MaxSessionTimeout,
        LocalSessionsEnabled = localSessionsEnabled,
        LocalSessionsUpgradingEnabled = localSessionsUpgradingEnabled,
        ElectionAlg = electionAlg,
        QuorumListenOnAllIPs = quorumListenOnAllIPs,
        PeerType = ensemble.PeerType,
        SyncEnabled = syncEnabled,
        DynamicConfigFile = dynamicConfigFile?.Value,
        SnapRetainCount = snapRetainCount,
        PurgeInterval = purgeInterval,
        StandaloneEnabled = standaloneEnabled,
        ReconfigEnabled = reconfigEnabled,
        ServerId = ensemble.ServerId,
        Servers = ensemble.Servers,
        ConfigVersion = ensemble.Version,
        SnapCount = snapCount,
        PreAllocSizeKb = preAllocSizeKb,
        ForceSync = forceSync,
        ExtendedTypesEnabled = extendedTypesEnabled,
        FourLetterWordWhitelist = fourLetterWordWhitelist,
        ZnodeContainerCheckIntervalMs = znodeContainerCheckIntervalMs,
        ZnodeContainerMaxPerMinute = znodeContainerMaxPerMinute,
        ZnodeContainerMaxNeverUsedIntervalMs = znodeContainerMaxNeverUsedIntervalMs,
        GlobalOutstandingLimit = globalOutstandingLimit,
        JuteMaxBuffer = juteMaxBuffer,
        AdminEnableServer = adminEnableServer,
        AdminServerAddress = adminServerAddress,
        AdminServerPort = adminServerPort,
        AdminCommandUrl = adminCommandUrl,
        MetricsProvider = metricsProvider,
        Properties = settings.ToFrozenDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal),
        SystemProperties = systemProperties.ToFrozenDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal),
        Warnings = [.. warnings],
    }, readOnlyModeEnabled);
}
