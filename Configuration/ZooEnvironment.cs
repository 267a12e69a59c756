using System.Globalization;
using System.Text;

namespace CoordAspire.Configuration;

/// <summary>
/// Configuration from the environment, with the names of the official ZooKeeper Docker image, so that a container
/// (or the AppHost, which assigns ports at run time) configures a Node as it would configure ZooKeeper. Like the
/// image's <c>docker-entrypoint.sh</c>, this composes <c>zoo.cfg</c> text from the variables and writes <c>myid</c>;
/// the text is then read by <see cref="ZooConfigParser"/> like any zoo.cfg, so every rule and every error message is
/// the same as for a file written by hand.
/// <list type="table">
/// <item><term>ZOO_MY_ID</term><description><c>dataDir/myid</c>. Default 1 for a standalone server, as in the image; a
/// node whose <c>ZOO_SERVERS</c> lists more than one server refuses to start without it (or the next variable): the image's
/// default would silently make every such member a second <c>server.1</c>.</description></item>
/// <item><term>ZOO_MY_ID_FROM_ORDINAL</term><description>for a Kubernetes StatefulSet, in place of <c>ZOO_MY_ID</c>: the
/// pod's ordinal N, given either as the number itself (the downward API's <c>metadata.labels['apps.kubernetes.io/pod-index']</c>)
/// or as the pod's name, which ends in <c>-N</c> (<c>metadata.name</c>, the pod's hostname: <c>coord-2</c>); myid is
/// N + 1, since ordinals count from 0 and server ids, by ZooKeeper convention, from 1 (the Kubernetes ZooKeeper
/// tutorial's <c>MY_ID=$((ORD+1))</c>). Setting both is refused, as two answers to one question.</description></item>
/// <item><term>ZOO_SERVERS</term><description><c>server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]</c> entries separated by blanks (default <c>server.1=localhost:2888:3888;2181</c>)</description></item>
/// <item><term>ZOO_DATA_DIR, ZOO_DATA_LOG_DIR</term><description><c>dataDir</c> (default /data, the image's volume), <c>dataLogDir</c> (default: dataDir)</description></item>
/// <item><term>ZOO_TICK_TIME, ZOO_INIT_LIMIT, ZOO_SYNC_LIMIT</term><description>2000, 5, 2 as in the image</description></item>
/// <item><term>ZOO_AUTOPURGE_SNAPRETAINCOUNT, ZOO_AUTOPURGE_PURGEINTERVAL</term><description>3, 0</description></item>
/// <item><term>ZOO_MAX_CLIENT_CNXNS, ZOO_STANDALONE_ENABLED, ZOO_ADMINSERVER_ENABLED</term><description>60, true, true</description></item>
/// <item><term>ZOO_4LW_COMMANDS_WHITELIST</term><description><c>4lw.commands.whitelist</c>, when set</description></item>
/// <item><term>ZOO_CFG_EXTRA</term><description>more <c>key=value</c> lines, separated by blanks</description></item>
/// <item><term>ZOO_PORT</term><description><c>clientPort</c>, when set (the 3.4 image's name; later images put the port on the server line)</description></item>
/// <item><term>ZOO_ADMINSERVER_PORT</term><description><c>admin.serverPort</c>, when set (CoordAspire's name, in the image's style)</description></item>
/// <item><term>ZOO_CONF_DIR</term><description>where zoo.cfg is written (default: the data dir)</description></item>
/// </list>
/// </summary>
public static class ZooEnvironment
{
    /// <summary>The image's <c>ZOO_SERVERS</c> default: one participant, which ZooKeeper runs standalone.</summary>
    public const string DefaultServers = "server.1=localhost:2888:3888;2181";

    /// <summary>
    /// The zoo.cfg text the variables describe, in the entrypoint's order. Values are written as given: a malformed
    /// one is reported by the parser against the line it lands on, which names its key.
    /// </summary>
    public static string Compose(Func<string, string?> variable)
    {
        string Get(string name, string fallback) => variable(name) is { Length: > 0 } value ? value : fallback;
        var text = new StringBuilder();
        void Line(string key, string value) => text.Append(key).Append('=').Append(value).Append('\n');

        text.Append("# Written by CoordAspire.Node from the ZOO_* environment variables at start; edits are overwritten.\n");
        Line("dataDir", Get("ZOO_DATA_DIR", "/data"));
        if (variable("ZOO_DATA_LOG_DIR") is { Length: > 0 } dataLogDir)
        {
            Line("dataLogDir", dataLogDir);
        }

        Line("tickTime", Get("ZOO_TICK_TIME", "2000"));
        Line("initLimit", Get("ZOO_INIT_LIMIT", "5"));
        Line("syncLimit", Get("ZOO_SYNC_LIMIT", "2"));
        Line("autopurge.snapRetainCount", Get("ZOO_AUTOPURGE_SNAPRETAINCOUNT", "3"));
        Line("autopurge.purgeInterval", Get("ZOO_AUTOPURGE_PURGEINTERVAL", "0"));
        Line("maxClientCnxns", Get("ZOO_MAX_CLIENT_CNXNS", "60"));
        Line("standaloneEnabled", Get("ZOO_STANDALONE_ENABLED", "true"));
        Line("admin.enableServer", Get("ZOO_ADMINSERVER_ENABLED", "true"));
        if (variable("ZOO_ADMINSERVER_PORT") is { Length: > 0 } adminPort)
        {
            Line("admin.serverPort", adminPort);
        }

        var clientPort = variable("ZOO_PORT") is { Length: > 0 } port ? port : null;
        if (clientPort is not null)
        {
            Line("clientPort", clientPort);
        }

        // Without ZOO_SERVERS the image runs server.1 on client port 2181; ZOO_PORT, when given, moves that port
        // (else the parser would rightly refuse a clientPort that differs from the server line's).
        var servers = variable("ZOO_SERVERS") is { Length: > 0 } given
            ? given
            : clientPort is null ? DefaultServers : $"server.1=localhost:2888:3888;{clientPort}";
        foreach (var server in SplitWords(servers))
        {
            text.Append(server).Append('\n');
        }

        if (variable("ZOO_4LW_COMMANDS_WHITELIST") is { Length: > 0 } whitelist)
        {
            Line("4lw.commands.whitelist", whitelist);
        }

        foreach (var extra in SplitWords(variable("ZOO_CFG_EXTRA") ?? ""))
        {
            text.Append(extra).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Composes zoo.cfg from <paramref name="variable"/>, writes it (and <c>myid</c>) where the entrypoint would, and
    /// parses it. zoo.cfg is written afresh at every start, unlike the image, which keeps an existing one: under the
    /// AppHost the ports change from one run to the next, and a stale file would send the node to yesterday's peers.
    /// </summary>
    /// <exception cref="ZooConfigException">The variables describe a configuration ZooKeeper would refuse, or the
    /// files cannot be written.</exception>
    public static ZooConfig Load(Func<string, string?> variable)
    {
        var text = Compose(variable);
        var dataDir = variable("ZOO_DATA_DIR") is { Length: > 0 } dir ? dir : "/data";
        var confDir = variable("ZOO_CONF_DIR") is { Length: > 0 } conf ? conf : dataDir;
        var configPath = Path.Combine(confDir, "zoo.cfg");
        var myId = MyId(variable); // a missing or bad id is the first thing to say, before any file is touched
        try
        {
            Directory.CreateDirectory(dataDir);
            Directory.CreateDirectory(confDir);
            WriteMyId(dataDir, myId);
            File.WriteAllText(configPath, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ZooConfigException(configPath, null, $"cannot be written from the ZOO_* environment variables: {e.Message}", e);
        }

        return ZooConfigParser.Parse(configPath);
    }

    /// <summary>
    /// The server id the variables give: <c>ZOO_MY_ID</c>, or the StatefulSet ordinal + 1 from
    /// <c>ZOO_MY_ID_FROM_ORDINAL</c>, or null (the standalone default, 1). An ensemble member must be told: two members
    /// that both took the default would be two <c>server.1</c>s, each counting the other's votes as its own.
    /// </summary>
    /// <exception cref="ZooConfigException">No id for an ensemble member, both variables, or an ordinal that is not one.</exception>
    public static string? MyId(Func<string, string?> variable)
    {
        var myId = variable("ZOO_MY_ID") is { } given && !string.IsNullOrWhiteSpace(given) ? given.Trim() : null;
        var fromOrdinal = variable("ZOO_MY_ID_FROM_ORDINAL") is { } ordinal && !string.IsNullOrWhiteSpace(ordinal) ? ordinal.Trim() : null;
        if (myId is not null && fromOrdinal is not null)
        {
            throw new ZooConfigException("ZOO_MY_ID", null, $"both ZOO_MY_ID ({myId}) and ZOO_MY_ID_FROM_ORDINAL ({fromOrdinal}) are set; give one");
        }

        if (fromOrdinal is not null)
        {
            // "2" (the pod-index label) or "coord-2" (the pod's name): the digits after the last '-'.
            var dash = fromOrdinal.LastIndexOf('-');
            var digits = dash < 0 ? fromOrdinal : dash == 0 ? "" : fromOrdinal[(dash + 1)..];
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= 255)
            {
                throw new ZooConfigException("ZOO_MY_ID_FROM_ORDINAL", null,
                    $"'{fromOrdinal}' is neither a pod ordinal below 255 nor a StatefulSet pod name ending in one (coord-2)");
            }

            return (index + 1).ToString(CultureInfo.InvariantCulture);
        }

        var servers = variable("ZOO_SERVERS") is { Length: > 0 } list
            ? SplitWords(list).Count(w => w.StartsWith("server.", StringComparison.Ordinal))
            : 1;
        if (myId is null && servers > 1)
        {
            throw new ZooConfigException("ZOO_MY_ID", null,
                $"ZOO_SERVERS lists {servers} servers but ZOO_MY_ID is not set: give each member its own id (server.N's N), " +
                "or ZOO_MY_ID_FROM_ORDINAL in a StatefulSet; the standalone default of 1 would make every member server.1");
        }

        return myId;
    }

    /// <summary>
    /// The entrypoint writes <c>myid</c> only when it is absent, and so do we. Where it exists and names another server
    /// than <c>ZOO_MY_ID</c> we refuse to start: the directory holds that server's log, and a server that joined the
    /// ensemble under a borrowed identity could vote twice in an election or acknowledge what it never logged.
    /// </summary>
    private static void WriteMyId(string dataDir, string? myId)
    {
        var path = Path.Combine(dataDir, "myid");
        var wanted = string.IsNullOrWhiteSpace(myId) ? "1" : myId.Trim();
        if (!long.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ZooConfigException("ZOO_MY_ID", null, $"'{wanted}' is not a server id (a non-negative number)");
        }

        if (!File.Exists(path))
        {
            File.WriteAllText(path, wanted + "\n");
            return;
        }

        var existing = File.ReadAllText(path).Trim();
        if (myId is not null && existing != wanted)
        {
            throw new ZooConfigException(path, 1, $"this data directory belongs to server {existing}, but ZOO_MY_ID is {wanted}; give each server its own ZOO_DATA_DIR");
        }
    }

    /// <summary>The shell's word splitting of an unquoted <c>$VAR</c>, as the entrypoint's <c>for x in $ZOO_SERVERS</c> does.</summary>
    private static string[] SplitWords(string value) =>
        value.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
}
