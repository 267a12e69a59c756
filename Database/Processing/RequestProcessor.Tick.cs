using CoordAspire.Database.Tree;
using CoordAspire.Protocol;

namespace CoordAspire.Database.Processing;

// Work the server does on its own: session expiry (SessionTrackerImpl.run) and removal of emptied containers and
// expired TTL nodes (ContainerManager).
public sealed partial class RequestProcessor
{
    /// <summary>Called by the edge at least once per tick.</summary>
    public void Tick()
    {
        foreach (var session in Sessions.PollExpired(Now.ElapsedMs))
        {
            Log.SessionExpired(_logger, session.Id, session.Timeout);
            var prepared = _preparer.PrepareCloseSession(session.Id, 0, Now.WallMs);
            Apply(prepared);

            // The client learns of the expiry when it reconnects and is refused; its connection goes now.
            if (_channelsBySession.TryGetValue(session.Id, out var channel))
            {
                ConnectionClosed(channel);
                channel.Close("session expired");
            }
        }

        if (Now.ElapsedMs >= _nextContainerCheck)
        {
            _nextContainerCheck = Now.ElapsedMs + _settings.ContainerCheckIntervalMs;
            ReapContainersAndTtls();
        }
    }

    /// <summary>
    /// Containers that have had children and have none left, and TTL nodes without children untouched for longer
    /// than their TTL, are deleted by transactions of the server's own (<c>ContainerManager.getCandidates</c>).
    /// </summary>
    private void ReapContainersAndTtls()
    {
        var candidates = new List<(string Path, string Kind)>();
        foreach (var path in Tree.Containers)
        {
            var node = Tree.GetNode(path);
            if (node is not null && node.ChildCount == 0 && node.Cversion > 0)
            {
                candidates.Add((path, "container"));
            }
        }

        foreach (var path in Tree.Ttls)
        {
            var node = Tree.GetNode(path);
            if (node is not null && node.ChildCount == 0)
            {
                long ttl = EphemeralOwner.TtlOf(node.EphemeralOwner);
                if (ttl != 0 && Now.WallMs - node.Mtime > ttl)
                {
                    candidates.Add((path, "TTL"));
                }
            }
        }

        // znode.container.maxPerMinute bounds the deletes of one pass to its share of a minute.
        int limit = Math.Max(1, (int)Math.Min(int.MaxValue, (long)_settings.ContainerMaxPerMinute * _settings.ContainerCheckIntervalMs / 60000));
        foreach (var (path, kind) in candidates.Take(limit))
        {
            var prepared = _preparer.PrepareServerDelete(OpCode.DeleteContainer, path, Now.WallMs);
            Apply(prepared);
            if (prepared.Header.Type != OpCode.Error)
            {
                Log.NodeReaped(_logger, kind, path, prepared.Header.Zxid);
            }
        }
    }
}
