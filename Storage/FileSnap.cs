using System.Buffers.Binary;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Storage;

/// <summary>
/// Snapshots (<c>FileSnap</c>, <c>SnapStream</c>, <c>SerializeUtils.serializeSnapshot</c>,
/// <c>DataTree.serialize</c>), byte for byte as Apache ZooKeeper 3.8 writes them uncompressed. This type reads them;
/// <see cref="SnapshotWriter"/> writes them.
/// </summary>
/// <remarks>
/// <para>A snapshot is <c>dataDir/version-2/snapshot.&lt;zxid, lowercase hex&gt;</c>, named by the last zxid applied
/// when it was started. Being fuzzy, it may also hold effects of later transactions; replaying the log from the
/// zxid after its name converges, because transactions are idempotent. Big-endian throughout:</para>
/// <code>
/// offset 0   FileHeader   int magic 0x5a4b534e ("ZKSN"), int version 2, long dbid -1         16 bytes
/// offset 16  int count                                   sessions (SerializeUtils.serializeSnapshot)
///            count × { long sessionId; int timeoutMs }
///            ACL map      int count; count × { long id; int n; n × { int perms; string scheme; string id } }
///            node*        string path; buffer data (-1 = null); long aclId (-1 = OPEN_ACL_UNSAFE);
///                         StatPersisted { long czxid, mzxid, ctime, mtime; int version, cversion, aversion;
///                                         long ephemeralOwner, pzxid }                     (60 bytes)
///            string "/"   end of the nodes (int 1, '/')
///            long val     Adler-32 of every byte above, from offset 0 (SnapStream.sealStream)
///            string "/"
///          [ ZxidDigest   long zxid; int digestVersion; long digest (a string before version 2)
///            long val     Adler-32 of every byte above, from offset 0, the first seal included
///            string "/" ]
/// </code>
/// <para>
/// The root is written with the path "" (ZooKeeper keys it twice, "" and "/"; "/" marks the end). Every parent comes
/// before its children. A string or buffer is an int length (-1 for null) and that many bytes (UTF-8 for strings).
/// </para>
/// <para>
/// ZooKeeper 3.8 appends the optional ZxidDigest (the digest of its tree at the zxid) and a second seal; we read and
/// check them when present and write none: we keep no tree digest, and ZooKeeper reads a snapshot without one (it
/// meets end of file where the digest would be and carries on).
/// </para>
/// <para>
/// Compressed snapshots (<c>zookeeper.snapshot.compression.method</c> gz or snappy: <c>snapshot.&lt;zxid&gt;.gz</c>,
/// <c>.snappy</c>) are refused with an error saying so.
/// </para>
/// </remarks>
public static class FileSnap
{
    /// <summary><c>FileSnap.deserialize</c> tries at most this many snapshots, newest first.</summary>
    public const int MaxSnapshotsTried = 100;

    /// <summary>Bytes of a serialized StatPersisted.</summary>
    public const int StatPersistedSize = 60;

    /// <summary>Every snapshot ends with the path "/" of its seal: int 1 then '/'.</summary>
    public const int SealPathSize = 5;

    /// <summary>
    /// The newest <paramref name="count"/> snapshots that look complete (<c>findNValidSnapshots</c>: the file ends
    /// with the seal's "/"), newest first. A compressed snapshot met on the way is refused.
    /// </summary>
    /// <exception cref="NotSupportedException">A candidate snapshot is compressed.</exception>
    public static List<(string Path, long Zxid)> FindValidSnapshots(string snapDir, int count)
    {
        var valid = new List<(string Path, long Zxid)>();
        foreach (var file in DataDirFiles.List(snapDir, DataDirFiles.SnapshotPrefix, ascending: false))
        {
            if (valid.Count == count)
            {
                break;
            }

            ThrowIfCompressed(file.Path);
            if (IsValidSnapshot(file.Path))
            {
                valid.Add(file);
            }
        }

        return valid;
    }

    /// <summary>
    /// <c>SnapStream.isValidCheckedStream</c>: at least 10 bytes, ending with int 1 and '/'. Cheap, and only says the
    /// file was finished; <see cref="Deserialize(string, DataTree, IDictionary{long, int})"/> checks the checksum.
    /// </summary>
    public static bool IsValidSnapshot(string path)
    {
        if (DataDirFiles.ZxidFromName(Path.GetFileName(path), DataDirFiles.SnapshotPrefix) == -1)
        {
            return false;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        if (length < 10)
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[SealPathSize];
        if (RandomAccess.Read(handle, tail, length - SealPathSize) != SealPathSize)
        {
            return false;
        }

        return BinaryPrimitives.ReadInt32BigEndian(tail) == 1 && tail[4] == (byte)'/';
    }

    /// <summary>
    /// Loads the newest snapshot that reads back whole into <paramref name="tree"/> and
    /// <paramref name="sessions"/> (<c>FileSnap.deserialize</c>): up to <see cref="MaxSnapshotsTried"/> are tried,
    /// newest first, and one that fails (bad checksum, truncated, malformed) is skipped for the one before it.
    /// Returns the file loaded and its zxid, which becomes the tree's last processed zxid; null when there is no
    /// snapshot at all.
    /// </summary>
    /// <exception cref="InvalidDataException">Snapshots exist but none is valid.</exception>
    public static (string Path, long Zxid)? Deserialize(string snapDir, DataTree tree, IDictionary<long, int> sessions, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var candidates = FindValidSnapshots(snapDir, MaxSnapshotsTried);
        if (candidates.Count == 0)
        {
            return null;
        }

        foreach (var (path, zxid) in candidates)
        {
            Log.ReadingSnapshot(logger, path);
            var loaded = new Dictionary<long, int>();
            try
            {
                int dangling = Deserialize(path, tree, loaded);
                if (dangling > 0)
                {
                    Log.DanglingAcls(logger, dangling, path);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or JuteException)
            {
                Log.InvalidSnapshot(logger, path, e);
                tree.ClearForRestore();
                continue;
            }

            foreach (var (id, timeout) in loaded)
            {
                sessions[id] = timeout;
            }

            tree.LastProcessedZxid = zxid;
            return (path, zxid);
        }

        throw new InvalidDataException($"Not able to find valid snapshots in {snapDir}");
    }

    /// <summary>
    /// Reads one snapshot into <paramref name="tree"/> (emptied first) and <paramref name="sessions"/>, checking its
    /// magic and seals. Returns how many nodes name an ACL missing from the snapshot's map: a ZooKeeper snapshot
    /// writes its ACL map before its (fuzzy) nodes, so a node whose ACL changed meanwhile names an id the map lacks;
    /// such a node gets an empty ACL until replaying the log sets the right one.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid snapshot (the tree is then partly loaded).</exception>
    public static int Deserialize(string path, DataTree tree, IDictionary<long, int> sessions)
    {
        ThrowIfCompressed(path);
        tree.ClearForRestore();
        using var input = new JuteFileReader(path, checksummed: true);
        var header = FileHeader.Read(input.Take(FileHeader.Size));
        if (header.Magic != FileHeader.SnapshotMagic)
        {
            throw new InvalidDataException($"mismatching magic headers {header.Magic} != {FileHeader.SnapshotMagic}");
        }

        int sessionCount = input.ReadInt();
        if (sessionCount < 0 || sessionCount > input.RemainingInFile / 12)
        {
            throw new InvalidDataException($"session count {sessionCount} is impossible with {input.RemainingInFile} bytes left");
        }

        for (int i = 0; i < sessionCount; i++)
        {
            long id = input.ReadLong();
            sessions[id] = input.ReadInt();
        }

        var acls = AclMap.Read(input);
        int dangling = 0;
        IReadOnlyList<Acl> missing = [];
        string path0 = input.ReadString() ?? throw new InvalidDataException("null node path");
        while (path0 != "/")
        {
            byte[]? data = input.ReadBuffer();
            long aclId = input.ReadLong();
            var statReader = new JuteReader(input.Take(StatPersistedSize));
            var stat = StatPersisted.Read(ref statReader);
            var acl = acls.ListOf(aclId);
            if (acl is null)
            {
                dangling++;
                acl = missing;
            }

            tree.RestoreNode(path0, data, acl, stat);
            path0 = input.ReadString() ?? throw new InvalidDataException("null node path");
        }

        if (tree.GetNode(DataTree.Root) is null)
        {
            throw new InvalidDataException("the snapshot has no root node");
        }

        CheckSeal(input, "CRC corruption");

        // ZxidDigest, then a second seal over everything before it (FileSnap.deserialize after 3.6).
        if (input.RemainingInFile > 0)
        {
            input.ReadLong(); // zxid
            int digestVersion = input.ReadInt();
            if (digestVersion < 2)
            {
                input.ReadString();
            }
            else
            {
                input.ReadLong();
            }

            CheckSeal(input, "CRC corruption after the digest");
        }

        return dangling;
    }

    internal static void ThrowIfCompressed(string path)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".gz", StringComparison.OrdinalIgnoreCase) || extension.Equals(".snappy", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"{path} is a compressed snapshot (zookeeper.snapshot.compression.method={extension[1..]}); CoordAspire reads only " +
                "uncompressed snapshots. Restart Apache ZooKeeper once with zookeeper.snapshot.compression.method unset so that " +
                "it writes an uncompressed snapshot, or remove the compressed ones if an uncompressed snapshot and the logs after it remain.");
        }
    }

    private static void CheckSeal(JuteFileReader input, string error)
    {
        long expected = input.Checksum;
        long val = input.ReadLong();
        input.ReadString();
        if (val != expected)
        {
            throw new InvalidDataException(error);
        }
    }
}
