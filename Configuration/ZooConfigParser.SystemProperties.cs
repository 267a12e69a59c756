using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// The settings ZooKeeper does not parse in <c>QuorumPeerConfig</c>: every unknown key <c>k</c> becomes the Java
/// system property <c>zookeeper.k</c>, which classes all over the server read with their own defaults
/// (<c>zookeeper.snapCount</c> in <c>ZooKeeperServer</c>, <c>zookeeper.forceSync</c> in <c>FileTxnLog</c>, …).
/// We read the ones CoordAspire uses here, once, so that no code deep in the server consults globals.
/// </summary>
public sealed partial class ZooConfigParser
{
    private const string SystemPropertyPrefix = "zookeeper.";

    private int snapCount = 100_000;
    private long preAllocSizeKb = 64 * 1024;
    private bool forceSync = true;
    private bool extendedTypesEnabled;
    private FrozenSet<string> fourLetterWordWhitelist = FourLetterWords.Default;
    private int znodeContainerCheckIntervalMs = 60_000;
    private int znodeContainerMaxPerMinute = 10_000;
    private long znodeContainerMaxNeverUsedIntervalMs;
    private int globalOutstandingLimit = 1000;
    private int juteMaxBuffer = ZooConfig.DefaultJuteMaxBuffer;
    private bool adminEnableServer = true;
    private string adminServerAddress = HostPort.AnyAddress;
    private int adminServerPort = 8080;
    private string adminCommandUrl = "/commands";
    private bool readOnlyModeEnabled;

    /// <summary>
    /// <c>System.setProperty("zookeeper." + key, value)</c>. A key already written in its system-property form
    /// (<c>zookeeper.extendedTypesEnabled</c>, as on a java command line) names the same property: in ZooKeeper
    /// it would become the useless <c>zookeeper.zookeeper.…</c>, which is never what the operator meant.
    /// </summary>
    private void SetSystemProperty(ConfigEntry entry)
    {
        var name = entry.Key.StartsWith(SystemPropertyPrefix, StringComparison.Ordinal) ? entry.Key : SystemPropertyPrefix + entry.Key;
        if (systemProperties.TryGetValue(name, out var earlier) && earlier.Key != entry.Key)
        {
            warnings.Add($"{entry.Location}: {entry.Key} overrides {earlier.Key} on line {earlier.LineNumber}");
        }

        systemProperties[name] = entry;
    }

    /// <summary>Reads the system-property settings, with ZooKeeper's defaults and adjustments.</summary>
    private void ParseSystemProperties()
    {
        if (SystemProperty("snapCount") is { } snapCountEntry)
        {
            snapCount = (int)snapCountEntry.ToDecodedInteger(int.MinValue, int.MaxValue);

            // SyncRequestProcessor snapshots after a random count in [snapCount/2, snapCount]; below 2 that breaks.
            if (snapCount < 2)
            {
                warnings.Add($"{snapCountEntry.Location}: snapCount should be 2 or more; using 2");
                snapCount = 2;
            }
        }

        // FilePadding reads this one with Long.parseLong: decimal only.
        if (SystemProperty("preAllocSize") is { } preAllocSize)
        {
            preAllocSizeKb = preAllocSize.ToInt64() is >= 0 and var kb ? kb : throw preAllocSize.Error($"{preAllocSize.Key}: must not be negative");
        }

        forceSync = SystemProperty("forceSync")?.ToYesNo() ?? forceSync;
        extendedTypesEnabled = SystemProperty("extendedTypesEnabled")?.ToBoolean() ?? extendedTypesEnabled;
        if (SystemProperty("4lw.commands.whitelist") is { } whitelist)
        {
            fourLetterWordWhitelist = FourLetterWords.ParseWhitelist(whitelist);
        }

        // ZooKeeper reads these four from un-prefixed system properties (-Dznode.container.checkIntervalMs,
        // -Djute.maxbuffer), so the zoo.cfg keys have no effect there; CoordAspire honours them, because a
        // configuration file is where they belong.
        znodeContainerCheckIntervalMs = Int32Property("znode.container.checkIntervalMs", 1) ?? znodeContainerCheckIntervalMs;
        znodeContainerMaxPerMinute = Int32Property("znode.container.maxPerMinute", 1) ?? znodeContainerMaxPerMinute;
        znodeContainerMaxNeverUsedIntervalMs =
            SystemProperty("znode.container.maxNeverUsedIntervalMs")?.ToDecodedInteger(0, long.MaxValue) ?? znodeContainerMaxNeverUsedIntervalMs;
        juteMaxBuffer = Int32Property("jute.maxbuffer", 1) ?? juteMaxBuffer;

        globalOutstandingLimit = Int32Property("globalOutstandingLimit", 1) ?? globalOutstandingLimit;

        // AdminServerFactory: only the exact string "false" turns the server off; we take any case of true/false.
        adminEnableServer = SystemProperty("admin.enableServer")?.ToBoolean() ?? adminEnableServer;
        if (SystemProperty("admin.serverAddress") is { } adminAddress)
        {
            adminServerAddress = adminAddress.ToHost(adminAddress.Value);
        }

        adminServerPort = (int?)SystemProperty("admin.serverPort")?.ToDecodedInteger(0, 65535) ?? adminServerPort;
        adminCommandUrl = SystemProperty("admin.commandURL")?.ToNonEmpty() ?? adminCommandUrl;

        // ZooKeeper reads only the un-prefixed -Dreadonlymode.enabled (QuorumPeer.run), so there this key does
        // nothing; CoordAspire honours it, and -D in SERVER_JVMFLAGS as well (JvmFlags).
        readOnlyModeEnabled = SystemProperty(JvmFlags.ReadOnlyModeEnabled)?.ToBoolean() ?? readOnlyModeEnabled;
    }

    private ConfigEntry? SystemProperty(string key) => systemProperties.GetValueOrDefault(SystemPropertyPrefix + key);

    /// <summary>An <c>Integer.getInteger</c> setting, at least <paramref name="min"/>.</summary>
    private int? Int32Property(string key, int min) => (int?)SystemProperty(key)?.ToDecodedInteger(min, int.MaxValue);
}
