using System.Collections.Frozen;

namespace CoordAspire.Configuration;

/// <summary>
/// The four letter word commands and the <c>4lw.commands.whitelist</c> rule, as ZooKeeper 3.8's
/// <c>FourLetterCommands.isEnabled</c>: a comma-separated list, <c>*</c> for all, and <c>srvr</c> always
/// enabled because <c>zkServer.sh status</c> depends on it. So the default (no whitelist) is <c>srvr</c> alone.
/// </summary>
public static class FourLetterWords
{
    /// <summary>Every command ZooKeeper 3.8 knows (<c>FourLetterCommands.cmd2String</c>, less the telnet close sequence).</summary>
    public static readonly FrozenSet<string> All = FrozenSet.ToFrozenSet(
    [
        "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk",
        "srst", "srvr", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash",
    ]);

    /// <summary>Always enabled, whatever the whitelist says.</summary>
    public const string AlwaysEnabled = "srvr";

    /// <summary>The enabled set when no whitelist is configured.</summary>
    public static readonly FrozenSet<string> Default = FrozenSet.ToFrozenSet([AlwaysEnabled]);

    /// <summary>
    /// Resolves a whitelist value. ZooKeeper adds unknown names silently; we refuse them, because a misspelt
    /// command in the whitelist otherwise shows up only as a command that mysteriously stays disabled.
    /// </summary>
    internal static FrozenSet<string> ParseWhitelist(ConfigEntry entry)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal) { AlwaysEnabled };
        foreach (var item in entry.Value.Split(','))
        {
            var command = ConfigEntry.JavaTrim(item);
            if (command == "*")
            {
                return All;
            }

            if (command.Length == 0)
            {
                continue;
            }

            if (!All.Contains(command))
            {
                throw entry.Error($"{entry.Key}: '{command}' is not a four letter word command (known: {string.Join(", ", All.Order(StringComparer.Ordinal))})");
            }

            enabled.Add(command);
        }

        return enabled.ToFrozenSet(StringComparer.Ordinal);
    }
}
