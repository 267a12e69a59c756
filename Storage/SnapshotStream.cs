using System.Buffers;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Storage;

/// <summary>
/// The snapshot body as the leader streams it to a learner after a SNAP packet (<c>ZKDatabase.serializeSnapshot</c>
/// → <c>SerializeUtils.serializeSnapshot</c>, read back by <c>ZKDatabase.deserializeSnapshot</c>): exactly the part
/// of a snapshot file (<see cref="FileSnap"/>) between its header and its checksum, with no header, checksum or
/// digest of its own:
/// <code>
/// int count; count × { long sessionId; int timeoutMs }
/// ACL map    int count; count × { long id; int n; n × { int perms; string scheme; string id } }
/// node*      string path ("" for the root); buffer data; long aclId; StatPersisted (60 bytes)
/// string "/"
/// </code>
/// Unlike a file snapshot this one is not fuzzy: it is taken in one go on the thread that applies transactions, so
/// it is the tree at exactly its last processed zxid (the SNAP packet's zxid), and its ACL map names every ACL its
/// nodes use. The bytes equal a file snapshot's body for the same tree and sessions (a test pins it).
/// </summary>
public static class SnapshotStream
{
    /// <summary>Writes the body of <paramref name="tree"/> and <paramref name="sessions"/> (id → timeout).</summary>
    public static void Write(IBufferWriter<byte> output, DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions)
    {
        // The very code that writes a file snapshot's body (which is what makes the two bodies equal), in one go.
        using var capture = SnapshotCapture.Take(tree, sessions);
        capture.WritePrefix(output);
        while (!capture.WriteNodes(output, int.MaxValue, int.MaxValue))
        {
        }

        SnapshotCapture.WriteEnd(output);
    }

    /// <summary>The body as one array (<see cref="Write"/>).</summary>
    public static byte[] Serialize(DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions)
    {
        using var buffer = new PooledBufferWriter(64 * 1024, int.MaxValue);
        Write(buffer, tree, sessions);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Replaces the contents of <paramref name="tree"/> (emptied first) and adds to <paramref name="sessions"/> what
    /// <paramref name="body"/> holds, which must be one whole body and nothing after it; the tree's last processed
    /// zxid becomes <paramref name="zxid"/> (Learner.syncWithLeader sets it to the SNAP packet's). Returns how many
    /// nodes name an ACL missing from the map (they get an empty ACL, as <see cref="FileSnap"/> gives them).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a snapshot body (the tree is then partly loaded).</exception>
    public static int Deserialize(ReadOnlySpan<byte> body, long zxid, DataTree tree, IDictionary<long, int> sessions)
    {
        try
        {
            return Read(body, zxid, tree, sessions);
        }
        catch (JuteException e)
        {
            throw new InvalidDataException($"malformed snapshot body: {e.Message}", e);
        }
    }

    private static int Read(ReadOnlySpan<byte> body, long zxid, DataTree tree, IDictionary<long, int> sessions)
    {
        tree.ClearForRestore();
        var reader = new JuteReader(body);
        int sessionCount = reader.ReadInt();
        if (sessionCount < 0 || sessionCount > reader.Remaining / 12)
        {
            throw new InvalidDataException($"session count {sessionCount} is impossible with {reader.Remaining} bytes left");
        }

        for (int i = 0; i < sessionCount; i++)
        {
            long id = reader.ReadLong();
            sessions[id] = reader.ReadInt();
        }

        var acls = ReadAclMap(ref reader);
        int dangling = 0;
        IReadOnlyList<Acl> missing = [];
        string path = reader.ReadString() ?? throw new InvalidDataException("null node path");
        while (path != "/")
        {
            byte[]? data = reader.ReadBuffer();
            long aclId = reader.ReadLong();
            var stat = StatPersisted.Read(ref reader);
            var acl = acls.ListOf(aclId);
            if (acl is null)
            {
                dangling++;
                acl = missing;
            }

            tree.RestoreNode(path, data, acl, stat);
            path = reader.ReadString() ?? throw new InvalidDataException("null node path");
        }

        if (tree.GetNode(DataTree.Root) is null)
        {
            throw new InvalidDataException("the snapshot has no root node");
        }

        if (!reader.End)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes after the snapshot body's end");
        }

        tree.LastProcessedZxid = zxid;
        return dangling;
    }

    /// <summary>ReferenceCountedACLCache.deserialize, from a span (<see cref="AclMap"/> reads from a file).</summary>
    private static AclMap ReadAclMap(ref JuteReader reader)
    {
        var map = new AclMap();
        int count = reader.ReadInt();
        if (count < 0 || count > reader.Remaining / 12)
        {
            throw new InvalidDataException($"ACL map count {count} is impossible with {reader.Remaining} bytes left");
        }

        for (int i = 0; i < count; i++)
        {
            long id = reader.ReadLong();
            var list = Acl.ReadList(ref reader)
                ?? throw new InvalidDataException("Incorrect format of the snapshot's ACL map: missing acls");
            map.Add(id, list);
        }

        return map;
    }
}
