using System.Text;
using CoordAspire.Database.Processing;
using CoordAspire.Database.Watches;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>wchs</c>, <c>wchc</c> and <c>wchp</c> (ZooKeeper's <c>WatchCommand</c>, <c>WatchManager.toString</c> and
/// <c>dumpWatches</c>). Like ZooKeeper they show the data watches (getData, exists, and persistent ones) and not the
/// child watches; <c>mntr</c>'s <c>zk_watch_count</c> counts both. Rendered on the request loop.
/// </summary>
internal static class WatchCommand
{
    /// <summary><c>wchs</c>: <c>2 connections watching 3 paths</c>, then the total.</summary>
    public static string Summary(RequestProcessor processor)
    {
        var watches = processor.Tree.DataWatches;
        return $"{watches.WatcherCount} connections watching {watches.PathCount} paths\nTotal watches:{watches.WatchCount}\n";
    }

    /// <summary><c>wchc</c>: each watching session, then its paths.</summary>
    public static string ByConnection(RequestProcessor processor)
    {
        var text = new StringBuilder();
        foreach (var (watcher, paths) in processor.Tree.DataWatches.ByWatcher())
        {
            text.Append("0x").Append(JavaFormat.Hex(SessionOf(watcher))).Append('\n');
            foreach (var path in paths)
            {
                text.Append('\t').Append(path).Append('\n');
            }
        }

        return text.Append('\n').ToString();
    }

    /// <summary><c>wchp</c>: each watched path, then the sessions watching it.</summary>
    public static string ByPath(RequestProcessor processor)
    {
        var text = new StringBuilder();
        foreach (var (path, watchers) in processor.Tree.DataWatches.ByPath())
        {
            text.Append(path).Append('\n');
            foreach (var watcher in watchers)
            {
                text.Append("\t0x").Append(JavaFormat.Hex(SessionOf(watcher))).Append('\n');
            }
        }

        return text.Append('\n').ToString();
    }

    private static long SessionOf(IWatcher watcher) => watcher is IClientChannel channel ? channel.SessionId : 0;
}
