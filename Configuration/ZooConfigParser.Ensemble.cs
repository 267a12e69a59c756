using System.Globalization;

namespace CoordAspire.Configuration;

/// <summary>
/// The ensemble part of the configuration: the <c>server.N</c> lines (in zoo.cfg or in the <c>dynamicConfigFile</c>),
/// this node's id from <c>dataDir/myid</c>, and the checks of ZooKeeper's <c>setupQuorumPeerConfig</c>:
/// <c>parseDynamicConfig</c>, <c>setupMyId</c>, <c>setupClientPort</c>, <c>setupPeerType</c>, <c>checkValidity</c>.
/// </summary>
public sealed partial class ZooConfigParser
{
    /// <summary><c>EphemeralType.MAX_EXTENDED_SERVER_ID</c>: TTL nodes keep the server id in one byte of the ephemeral owner.</summary>
    private const long MaxExtendedServerId = 0xfe;

    private sealed record Ensemble(
        IReadOnlyDictionary<long, QuorumServer> Servers,
        long Version,
        long? ServerId,
        HostPort? ClientPortAddress,
        LearnerType PeerType);

    /// <summary>
    /// <c>QuorumPeerConfig.parse</c>'s second half: the dynamic file may hold only <c>server.N</c> lines (and
    /// <c>group</c>/<c>weight</c>, refused here); its version is the hex suffix of its name, never a key inside.
    /// ZooKeeper also reads <c>zoo.cfg.dynamic.next</c>, a reconfiguration in flight; that is the reconfig
    /// machinery's business, not the configuration's.
    /// </summary>
    private Ensemble ReadDynamicConfigFile(ConfigEntry pointer)
    {
        var path = pointer.Value;
        var text = readFile(path)
            ?? throw pointer.Error($"dynamicConfigFile: '{path}' does not exist");

        var serverEntries = new List<ConfigEntry>();
        foreach (var entry in JavaProperties.Read(text, path).Select(e => ConfigEntry.From(e, path)))
        {
            if (entry.Key == "version")
            {
                throw entry.Error("version: a dynamic config file must not contain a version; it is taken from the file name");
            }

            if (IsHierarchicalKey(entry.Key))
            {
                throw entry.Error($"{entry.Key}: hierarchical quorums (group.N/weight.N) are not supported by CoordAspire; use majority quorums");
            }

            if (!entry.Key.StartsWith(QuorumServerLine.Prefix, StringComparison.Ordinal))
            {
                throw entry.Error($"{entry.Key}: unrecognised parameter; a dynamic config file holds only server.N lines");
            }

            serverEntries.Add(entry);
        }

        return SetupQuorumPeerConfig(serverEntries, VersionFromFilename(path));
    }

    /// <summary>Backward-compatible mode: the <c>server.N</c> lines are in zoo.cfg itself, with an optional hex <c>version</c>.</summary>
    private Ensemble ReadEnsemble(List<ConfigEntry> serverEntries, ConfigEntry? versionEntry)
    {
        long version = 0;
        if (versionEntry is not null
            && !long.TryParse(versionEntry.Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out version))
        {
            throw versionEntry.Error($"version: '{versionEntry.Value}' is not a hexadecimal number");
        }

        return SetupQuorumPeerConfig(serverEntries, version);
    }

    /// <summary>
    /// <c>getVersionFromFilename</c>: <c>zoo.cfg.dynamic.100000000</c> has version 0x100000000; a name without a hex
    /// suffix has version 0.
    /// </summary>
    private static long VersionFromFilename(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot >= 0 && long.TryParse(path.AsSpan(dot + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version)
            ? version
            : 0;
    }

    private Ensemble SetupQuorumPeerConfig(List<ConfigEntry> serverEntries, long version)
    {
        var servers = ParseDynamicConfig(serverEntries);
        var serverId = SetupMyId();
        var clientPortAddress = SetupClientPort(servers, serverId);
        var role = SetupPeerType(servers, serverId);
        var ensemble = new Ensemble(
            new SortedDictionary<long, QuorumServer>(servers.ToDictionary(s => s.Key, s => s.Value.Server)).AsReadOnly(),
            version,
            serverId,
            clientPortAddress,
            role);
        CheckValidity(ensemble, servers);
        return ensemble;
    }

    /// <summary><c>parseDynamicConfig</c> with <c>QuorumMaj</c>: the servers, and whether they make a sensible ensemble.</summary>
    private SortedDictionary<long, (QuorumServer Server, ConfigEntry Entry)> ParseDynamicConfig(List<ConfigEntry> serverEntries)
    {
        var servers = new SortedDictionary<long, (QuorumServer Server, ConfigEntry Entry)>();
        var addresses = new Dictionary<HostPort, ConfigEntry>(HostPortComparer.Instance);
        foreach (var entry in serverEntries)
        {
            var server = QuorumServerLine.Parse(entry);

            // ZooKeeper keeps whichever of server.1 and server.01 its hash table yields last; refusing is kinder.
            if (servers.TryGetValue(server.Id, out var earlier))
            {
                throw entry.Error($"{entry.Key}: server id {server.Id} is already defined by {earlier.Entry.Key} on line {earlier.Entry.LineNumber}");
            }

            // ZooKeeper only notices this when the second server fails to bind; say it now.
            foreach (var address in new[] { server.QuorumAddress, server.ElectionAddress })
            {
                if (!addresses.TryAdd(address, entry))
                {
                    var owner = addresses[address];
                    throw entry.Error($"{entry.Key}: address {address} is already used by {owner.Key} on line {owner.LineNumber}");
                }
            }

            servers.Add(server.Id, (server, entry));
        }

        var participants = servers.Values.Where(s => s.Server.Type == LearnerType.Participant).ToList();
        var observers = servers.Values.Where(s => s.Server.Type == LearnerType.Observer).ToList();
        if (participants.Count == 0)
        {
            if (!standaloneEnabled)
            {
                throw settings["standaloneEnabled"].Error("standaloneEnabled is false, so the server.N lines must name at least one participant");
            }

            if (observers.Count > 0)
            {
                throw observers[0].Entry.Error("observers without participants is an invalid configuration");
            }
        }
        else if (participants.Count == 1 && standaloneEnabled)
        {
            // HBase writes a single server line; ZooKeeper runs such a configuration as a standalone server.
            if (observers.Count > 0)
            {
                throw observers[0].Entry.Error("observers without a quorum is an invalid configuration (a single participant runs standalone while standaloneEnabled is true)");
            }

            warnings.Add($"{participants[0].Entry.Location}: only one server specified; running standalone (ignoring the server line)");
        }
        else if (participants.Count <= 2)
        {
            warnings.Add($"{participants[0].Entry.Location}: no server failure will be tolerated; you need at least 3 servers");
        }
        else if (participants.Count % 2 == 0)
        {
            warnings.Add($"{participants[0].Entry.Location}: non-optimal configuration, consider an odd number of servers");
        }

        return servers;
    }

    /// <summary>
    /// <c>setupMyId</c>: <c>dataDir/myid</c> holds this server's id on its first line. ZooKeeper reads it whenever it
    /// exists, even for a standalone server, and refuses a bad one; it only becomes mandatory in an ensemble
    /// (<see cref="CheckValidity"/>). ZooKeeper does not trim the line; we do, since editors add stray blanks.
    /// </summary>
    private long? SetupMyId()
    {
        var path = MyIdPath;
        var text = readFile(path);
        if (text is null)
        {
            return null;
        }

        var firstLine = ConfigEntry.JavaTrim(text.Split('\n', '\r')[0]);
        var entry = new ConfigEntry("myid", firstLine, path, 1);
        if (firstLine.Length == 0)
        {
            throw entry.Error("myid: the file is empty; it must hold this server's id");
        }

        var id = entry.ToInt64();
        return id >= 0 ? id : throw entry.Error($"myid: server id {id} must not be negative");
    }

    private string MyIdPath => Path.Join(dataDir, "myid");

    /// <summary>
    /// <c>setupClientPort</c>: the client address on this server's own <c>server.N</c> line wins over
    /// <c>clientPort</c>/<c>clientPortAddress</c>, which must then agree with it (only the port when the static
    /// address is the wildcard).
    /// </summary>
    private HostPort? SetupClientPort(SortedDictionary<long, (QuorumServer Server, ConfigEntry Entry)> servers, long? serverId)
    {
        HostPort? fromStatic = clientPort == 0 ? null : new HostPort(clientPortAddress ?? HostPort.AnyAddress, clientPort);
        if (serverId is not { } id || !servers.TryGetValue(id, out var self) || self.Server.ClientAddress is not { } fromServerLine)
        {
            return fromStatic;
        }

        if (fromStatic is { } configured)
        {
            var conflict = configured.IsAnyAddress
                ? configured.Port != fromServerLine.Port
                : !HostPortComparer.Instance.Equals(configured, fromServerLine);
            if (conflict)
            {
                var culprit = settings.GetValueOrDefault("clientPortAddress") is { } address && !configured.IsAnyAddress
                    ? address
                    : settings["clientPort"];
                throw culprit.Error(
                    $"client address for this server (id = {id}) is {configured}, different from {fromServerLine} on its {self.Entry.Key} line ({self.Entry.Location})");
            }
        }

        return fromServerLine;
    }

    /// <summary><c>setupPeerType</c>: the server list decides; <c>peerType</c> that disagrees is only warned about.</summary>
    private LearnerType SetupPeerType(SortedDictionary<long, (QuorumServer Server, ConfigEntry Entry)> servers, long? serverId)
    {
        var roleByServersList = serverId is { } id && servers.TryGetValue(id, out var self) && self.Server.Type == LearnerType.Observer
            ? LearnerType.Observer
            : LearnerType.Participant;
        if (roleByServersList != peerType && settings.TryGetValue("peerType", out var entry))
        {
            warnings.Add($"{entry.Location}: peer type from servers list ({roleByServersList}) doesn't match peerType ({peerType}); using the servers list");
        }

        return roleByServersList;
    }

    /// <summary>
    /// <c>checkValidity</c> and the start-up checks ZooKeeper makes only later (<c>QuorumPeer.start</c>: "My id N not in
    /// the peer list"; <c>EphemeralType.validateServerId</c>), so that a bad ensemble is refused before anything runs.
    /// </summary>
    private void CheckValidity(Ensemble ensemble, SortedDictionary<long, (QuorumServer Server, ConfigEntry Entry)> servers)
    {
        var distributed = !standaloneEnabled || servers.Values.Count(s => s.Server.Type == LearnerType.Participant) > 1;
        if (!distributed)
        {
            return;
        }

        if (initLimit == 0)
        {
            throw new ZooConfigException(fileName, settings.GetValueOrDefault("initLimit")?.LineNumber, "initLimit is not set; an ensemble needs it");
        }

        if (syncLimit == 0)
        {
            throw new ZooConfigException(fileName, settings.GetValueOrDefault("syncLimit")?.LineNumber, "syncLimit is not set; an ensemble needs it");
        }

        if (ensemble.ServerId is not { } id)
        {
            throw new ZooConfigException(MyIdPath, null, "myid file is missing; a member of an ensemble reads its server id from it");
        }

        if (!servers.ContainsKey(id))
        {
            throw new ZooConfigException(MyIdPath, 1, $"server id {id} is not among the servers ({string.Join(", ", servers.Keys)}) of {servers.Values.First().Entry.FileName}");
        }

        if (extendedTypesEnabled && id > MaxExtendedServerId)
        {
            throw new ZooConfigException(MyIdPath, 1, $"server id {id} is too large: extendedTypesEnabled is true, which limits server ids to {MaxExtendedServerId}");
        }
    }

    /// <summary>Host names compare without case, as DNS does; IP literals are compared as written.</summary>
    private sealed class HostPortComparer : IEqualityComparer<HostPort>
    {
        public static readonly HostPortComparer Instance = new();

        public bool Equals(HostPort x, HostPort y) => x.Port == y.Port && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(HostPort obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Host), obj.Port);
    }
}
