using System.Text;
using CoordAspire.Database.Processing;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>dump</c> (ZooKeeper's <c>DumpCommand</c>): sessions grouped by expiry time (<c>ExpiryQueue.dump</c>), the
/// ephemeral nodes of each session (<c>DataTree.dumpEphemerals</c>) and the connections. Rendered on the request loop.
/// </summary>
internal static class DumpCommand
{
    public static string Render(FourLetterWordContext context, RequestProcessor processor)
    {
        var now = processor.Now;

        // Expiry times are on the elapsed clock; Time.elapsedTimeToDate turns them into wall time the same way.
        string ToDate(long elapsed) => JavaFormat.Date(now.WallMs - now.ElapsedMs + elapsed);

        var text = new StringBuilder();
        text.Append("SessionTracker dump:\n");
        var sessionSets = processor.Sessions.All.GroupBy(s => s.ExpiresAt).OrderBy(g => g.Key).ToList();
        text.Append("Session Sets (").Append(sessionSets.Count).Append(")/(").Append(processor.Sessions.Count).Append("):\n");
        foreach (var set in sessionSets)
        {
            text.Append(set.Count()).Append(" expire at ").Append(ToDate(set.Key)).Append(":\n");
            foreach (var session in set)
            {
                text.Append("\t0x").Append(JavaFormat.Hex(session.Id)).Append('\n');
            }
        }

        text.Append("ephemeral nodes dump:\n");
        var ephemerals = processor.Tree.EphemeralsBySession.ToList();
        text.Append("Sessions with Ephemerals (").Append(ephemerals.Count).Append("):\n");
        foreach (var (sessionId, paths) in ephemerals)
        {
            text.Append("0x").Append(JavaFormat.Hex(sessionId)).Append(":\n");
            foreach (var path in paths.Order(StringComparer.Ordinal))
            {
                text.Append('\t').Append(path).Append('\n');
            }
        }

        // ZooKeeper groups connections by when its connection expirer would close them; here a connection lives as
        // long as its session, so each is listed under its session's expiry (sessionless ones under now).
        text.Append("Connections dump:\n");
        var connections = context.Connections.Snapshot()
            .GroupBy(c => processor.Sessions.Get(c.SessionId)?.ExpiresAt ?? now.ElapsedMs)
            .OrderBy(g => g.Key)
            .ToList();
        text.Append("Connections Sets (").Append(connections.Count).Append(")/(").Append(connections.Sum(g => g.Count())).Append("):\n");
        foreach (var set in connections)
        {
            text.Append(set.Count()).Append(" expire at ").Append(ToDate(set.Key)).Append(":\n");
            foreach (var connection in set)
            {
                text.Append("\tip: ").Append(JavaFormat.SocketAddress(connection.RemoteEndPoint))
                    .Append(" sessionId: 0x").Append(JavaFormat.Hex(connection.SessionId)).Append('\n');
            }
        }

        return text.ToString();
    }
}
