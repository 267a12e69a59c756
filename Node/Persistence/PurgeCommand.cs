using System.Globalization;
using CoordAspire.Configuration;
using CoordAspire.Storage;

namespace CoordAspire.Node.Persistence;

/// <summary>
/// <c>CoordAspire.Node purge &lt;zoo.cfg&gt; [-n count]</c>: what <c>zkCleanup.sh</c> (<c>PurgeTxnLog</c>) does —
/// keeps the newest <c>count</c> snapshots (at least 3) and the transaction logs needed to replay from the oldest
/// kept one, and deletes the rest. Safe while the server runs: it never touches the files in use.
/// </summary>
internal static class PurgeCommand
{
    public static int Run(string[] args, Func<string, string> resolveConfigPath)
    {
        if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "-n"))
        {
            Console.Error.WriteLine("usage: CoordAspire.Node purge <zoo.cfg> [-n count]");
            return 2;
        }

        int count = 3;
        if (args.Length == 3 && (!int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 3))
        {
            // PurgeTxnLog refuses fewer than 3: a corrupt newest snapshot must always have an older one behind it.
            Console.Error.WriteLine($"purge: -n must be a number of at least 3, not '{args[2]}'");
            return 2;
        }

        ZooConfig config;
        try
        {
            config = ZooConfigParser.Parse(resolveConfigPath(args[0]));
        }
        catch (ZooConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        using var dataDirectory = new DataDirectory(config.DataDir, config.DataLogDir);
        var result = dataDirectory.Purge(count);
        foreach (var file in result.DeletedSnapshots.Concat(result.DeletedLogs))
        {
            Console.WriteLine($"Removing file: {file}");
        }

        Console.WriteLine($"Kept the newest {count} snapshots; removed {result.DeletedSnapshots.Count} snapshots and {result.DeletedLogs.Count} logs.");
        return 0;
    }
}
