namespace CoordAspire.Configuration;

/// <summary>
/// Parses one <c>server.N</c> entry as ZooKeeper 3.8's <c>QuorumMaj(Properties)</c> and
/// <c>QuorumServer.initializeWithAddressString</c> do, including Java's <c>String.split</c>, which drops
/// trailing empty fields: <c>host:2888:3888:</c> is a participant and <c>host:2888:3888;</c> has no client address.
/// </summary>
internal static class QuorumServerLine
{
    public const string Prefix = "server.";

    private const string Form =
        "expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]";

    public static QuorumServer Parse(ConfigEntry entry)
    {
        var id = ParseId(entry);
        var serverAndClient = JavaSplit(entry.Value, ';');
        if (serverAndClient.Length is 0 or > 2)
        {
            throw WrongFormat(entry);
        }

        if (serverAndClient[0].Contains('|'))
        {
            // ZooKeeper 3.8 refuses this too unless started with -Dzookeeper.multiAddress.enabled=true
            // (the zoo.cfg key of the same name does not reach the check); CoordAspire has no multi-address support.
            throw entry.Error($"{entry.Key}: multiple addresses ('|') for one server are not supported");
        }

        var serverParts = HostAndPort(entry, serverAndClient[0]);
        if (serverParts.Length is < 3 or > 4)
        {
            throw WrongFormat(entry);
        }

        var hostname = entry.ToHost(serverParts[0]);
        var quorumPort = ParsePort(entry, serverParts[1], "quorum port");
        var electionPort = ParsePort(entry, serverParts[2], "election port");
        if (quorumPort == electionPort)
        {
            throw entry.Error($"{entry.Key}: quorum port and election port must be different (both are {quorumPort})");
        }

        var type = serverParts.Length == 4 ? ParseLearnerType(entry, serverParts[3]) : LearnerType.Participant;

        HostPort? clientAddress = null;
        if (serverAndClient.Length == 2)
        {
            var clientParts = HostAndPort(entry, serverAndClient[1]);
            if (clientParts.Length > 2)
            {
                throw WrongFormat(entry);
            }

            // A bare client port binds all interfaces, as ZooKeeper's "0.0.0.0" default.
            var clientHost = clientParts.Length == 2 ? entry.ToHost(clientParts[0]) : HostPort.AnyAddress;
            clientAddress = new HostPort(clientHost, ParsePort(entry, clientParts[^1], "client port"));
        }

        return new QuorumServer(id, hostname, quorumPort, electionPort, type, clientAddress);
    }

    /// <summary>The N of <c>server.N</c>: everything after the first dot, a <c>Long.parseLong</c> number.</summary>
    public static long ParseId(ConfigEntry entry)
    {
        var text = entry.Key[Prefix.Length..];
        var id = (entry with { Value = text }).ToInt64();

        // ZooKeeper accepts negative ids, but -1 is its "no id" marker and myid is documented as 1..255;
        // a negative id is always a typo.
        return id >= 0 ? id : throw entry.Error($"{entry.Key}: server id {id} must not be negative");
    }

    /// <summary>The participant/observer suffix, and the <c>peerType</c> key: case-insensitive, trimmed.</summary>
    public static LearnerType ParseLearnerType(ConfigEntry entry, string text)
    {
        return ConfigEntry.JavaTrim(text).ToLowerInvariant() switch
        {
            "participant" => LearnerType.Participant,
            "observer" => LearnerType.Observer,
            _ => throw entry.Error($"{entry.Key}: '{text}' is not a peer type; use 'participant' or 'observer'"),
        };
    }

    private static int ParsePort(ConfigEntry entry, string text, string what)
    {
        var port = (entry with { Key = $"{entry.Key}: {what}", Value = text }).ToInt32();

        // ZooKeeper lets port 0 through (it would bind an ephemeral port nobody can find), we do not.
        return port is >= 1 and <= 65535
            ? port
            : throw entry.Error($"{entry.Key}: {what} {port} is out of range (1-65535)");
    }

    /// <summary>
    /// <c>ConfigUtils.getHostAndPort</c>: <c>[v6]:a:b</c> keeps the bracketed literal whole, anything else splits on ':'.
    /// </summary>
    private static string[] HostAndPort(ConfigEntry entry, string text)
    {
        if (!text.StartsWith('['))
        {
            return JavaSplit(text, ':');
        }

        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            throw entry.Error($"{entry.Key}: '{text}' starts with '[' but has no matching ']'");
        }

        var host = text[1..close];
        if (close + 1 == text.Length)
        {
            return [host];
        }

        if (text[close + 1] != ':' || close + 2 == text.Length)
        {
            throw entry.Error($"{entry.Key}: '{text}' has no port after ']:'");
        }

        return [host, .. JavaSplit(text[(close + 2)..], ':')];
    }

    /// <summary>Java's <c>String.split</c> with a one-character regex: trailing empty fields are dropped.</summary>
    private static string[] JavaSplit(string text, char separator)
    {
        if (text.Length == 0)
        {
            return [text];
        }

        var parts = text.Split(separator);
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--;
        }

        return parts[..count];
    }

    private static ZooConfigException WrongFormat(ConfigEntry entry) =>
        entry.Error($"{entry.Key}: '{entry.Value}' is not a server address; {Form}");
}
