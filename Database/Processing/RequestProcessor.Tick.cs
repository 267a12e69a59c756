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
        if (_localSessions is not null)
        {
            ExpireLocalSessions();
        }

        if (Role == ProcessorRole.ReadOnly)
        {
            return;
        }

        // Expiry and cleanup are transactions; a server that cannot log them leaves them until it can.
        if (WritesRefusedBecause is not null || Role is ProcessorRole.Learner or ProcessorRole.NotServing)
        {
            return;
        }

        foreach (var session in Sessions.PollExpired(Now.ElapsedMs))
        {
            var prepared = _preparer.PrepareCloseSession(session.Id, 0, Now.WallMs);
            Log.SessionExpired(_logger, session.Id, session.Timeout, prepared.Header.Zxid);
            Enqueue(prepared, TxnPurpose.ExpireSession, null, default);
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
        var candidates = new List<string>();
        foreach (var path in Tree.Containers)
        {
            var node = Tree.GetNode(path);
            if (node is not null && node.ChildCount == 0 && node.Cversion > 0)
            {
                candidates.Add(path);
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
                    candidates.Add(path);
                }
            }
        }

        // znode.container.maxPerMinute bounds the deletes of one pass to its share of a minute.
        int limit = Math.Max(1, (int)Math.Min(int.MaxValue, (long)_settings.ContainerMaxPerMinute * _settings.ContainerCheckIntervalMs / 60000));
        foreach (var path in candidates.Take(limit))
        {
            var prepared = _preparer.PrepareServerDelete(OpCode.DeleteContainer, path, Now.WallMs);
            Enqueue(prepared, TxnPurpose.ServerDelete, null, default);
        }
    }
}
