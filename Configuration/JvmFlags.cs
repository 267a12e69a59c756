using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// The Java system properties an operator gives Apache ZooKeeper on its command line, through the environment
/// <c>zkServer.sh</c> reads: <c>JVMFLAGS="$SERVER_JVMFLAGS $JVMFLAGS"</c>, split into words by the shell, each
/// <c>-Dname=value</c> setting one property (a later one for the same name wins, as in <c>java</c>). We read only
/// the properties that ZooKeeper reads without the <c>zookeeper.</c> prefix and that CoordAspire honours, so that a
/// deployment moved from Apache ZooKeeper keeps meaning what it meant.
/// </summary>
public static class JvmFlags
{
    /// <summary><c>QuorumPeer.run</c> reads it with <c>Boolean.getBoolean</c>: true when it says true in any case.</summary>
    public const string ReadOnlyModeEnabled = "readonlymode.enabled";

    /// <summary>The variables zkServer.sh puts on the server's java command line, in the order it puts them.</summary>
    public static readonly IReadOnlyList<string> Variables = ["SERVER_JVMFLAGS", "JVMFLAGS"];

    /// <summary>
    /// The <c>-Dname=value</c> words of <paramref name="flags"/> (<c>-Dname</c> alone is the empty string, as in
    /// java). Other words (<c>-Xmx512m</c>, <c>-XX:…</c>) mean nothing to .NET and are skipped.
    /// </summary>
    public static FrozenDictionary<string, string> SystemProperties(IEnumerable<string?> flags)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in flags)
        {
            foreach (var word in (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var unquoted = word.Trim('"', '\'');
                if (!unquoted.StartsWith("-D", StringComparison.Ordinal) || unquoted.Length == 2)
                {
                    continue;
                }

                int equals = unquoted.IndexOf('=', StringComparison.Ordinal);
                string name = equals < 0 ? unquoted[2..] : unquoted[2..equals];
                properties[name] = equals < 0 ? "" : unquoted[(equals + 1)..];
            }
        }

        return properties.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The system properties of the environment zkServer.sh would have built its command line from.</summary>
    public static FrozenDictionary<string, string> FromEnvironment(Func<string, string?> variable) =>
        SystemProperties(Variables.Select(variable));

    /// <summary>
    /// <paramref name="config"/> with the command line's system properties applied: <c>-Dreadonlymode.enabled</c>
    /// decides read-only mode when given (in Apache ZooKeeper only the command line can turn it on: the zoo.cfg key
    /// becomes the unread <c>zookeeper.readonlymode.enabled</c>; we honour the key too, and the command line wins,
    /// as it would over a file anywhere else), and with it <c>isro</c> joins the four letter word whitelist
    /// (<c>FourLetterCommands.isEnabled</c>).
    /// </summary>
    public static ZooConfig Apply(ZooConfig config, IReadOnlyDictionary<string, string> systemProperties)
    {
        bool readOnly = systemProperties.TryGetValue(ReadOnlyModeEnabled, out var value)
            ? value.Equals("true", StringComparison.OrdinalIgnoreCase)
            : config.ReadOnlyModeEnabled;
        return WithReadOnlyMode(config, readOnly);
    }

    internal static ZooConfig WithReadOnlyMode(ZooConfig config, bool enabled)
    {
        var whitelist = config.FourLetterWordWhitelist;
        if (enabled && !whitelist.Contains("isro"))
        {
            whitelist = whitelist.Append("isro").ToFrozenSet(StringComparer.Ordinal);
        }

        return config with { ReadOnlyModeEnabled = enabled, FourLetterWordWhitelist = whitelist };
    }
}
