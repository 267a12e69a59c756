using System.Text;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Storage.Tests.Support;

/// <summary>
/// Makes transactions the way the leader prepares them (absolute versions, the parent's next cversion, the
/// sequential suffix from it), applies each to a live tree and session map exactly as a restore replays them, and
/// hands each to a sink (the log). The live tree is what a restore must reproduce.
/// </summary>
public sealed class Workload
{
    public static readonly IReadOnlyList<Acl> ReadOnly = Acls.ReadAclUnsafe;

    public static readonly IReadOnlyList<Acl> Digest =
        [new(Perms.All, new Id("digest", "alice:" + Convert.ToBase64String(Encoding.UTF8.GetBytes("not-a-real-hash-0")))),
         new(Perms.Read, Id.Anyone)];

    public static readonly IReadOnlyList<Acl> Ip = [new(Perms.Read | Perms.Write, new Id("ip", "127.0.0.1"))];

    private readonly Action<TxnHeader, TxnRecord?>? _sink;
    private int _cxid;

    public Workload(Action<TxnHeader, TxnRecord?>? sink = null, long startTime = 1_700_000_000_000, DataTree? tree = null)
    {
        _sink = sink;
        Time = startTime;
        Tree = tree ?? new DataTree(extendedTypesEnabled: true);
        Zxid = Tree.LastProcessedZxid;
    }

    public DataTree Tree { get; }

    public Dictionary<long, int> Sessions { get; } = [];

    public long Zxid { get; set; }

    public long Time { get; set; }

    public List<(TxnHeader Header, TxnRecord? Record)> Txns { get; } = [];

    public TxnHeader Header(long session, OpCode type) => new(session, ++_cxid, ++Zxid, Time += 3, type);

    public void Apply(TxnHeader header, TxnRecord? record)
    {
        DataDirectory.ProcessTransaction(Tree, Sessions, header, record);
        Txns.Add((header, record));
        _sink?.Invoke(header, record);
    }

    public long CreateSession(long id, int timeout = 30000)
    {
        Apply(Header(id, OpCode.CreateSession), new CreateSessionTxn(timeout));
        return id;
    }

    public void CloseSession(long id) =>
        Apply(Header(id, OpCode.CloseSession), new CloseSessionTxn(Tree.GetEphemerals(id).Order(StringComparer.Ordinal).ToList()));

    public string Create(string path, byte[]? data, IReadOnlyList<Acl>? acl = null, long ephemeralSession = 0, bool sequential = false)
    {
        var (header, txn) = MakeCreate(path, data, acl, ephemeralSession, sequential);
        Apply(header, txn);
        return txn.Path;
    }

    public (TxnHeader Header, CreateTxn Txn) MakeCreate(string path, byte[]? data, IReadOnlyList<Acl>? acl = null, long ephemeralSession = 0, bool sequential = false)
    {
        var parent = Tree.GetNode(ZnodePath.Parent(path)) ?? throw new InvalidOperationException($"no parent for {path}");
        if (sequential)
        {
            path += parent.Cversion.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        }

        var header = Header(ephemeralSession, OpCode.Create);
        return (header, new CreateTxn(path, data, acl ?? Acls.OpenAclUnsafe, ephemeralSession != 0, parent.Cversion + 1));
    }

    public void CreateContainer(string path, byte[]? data)
    {
        var parent = Tree.GetNode(ZnodePath.Parent(path))!;
        Apply(Header(0, OpCode.CreateContainer), new CreateContainerTxn(path, data, Acls.OpenAclUnsafe, parent.Cversion + 1));
    }

    public void CreateTtl(string path, byte[]? data, long ttl)
    {
        var parent = Tree.GetNode(ZnodePath.Parent(path))!;
        Apply(Header(0, OpCode.CreateTtl), new CreateTtlTxn(path, data, Acls.OpenAclUnsafe, parent.Cversion + 1, ttl));
    }

    public void SetData(string path, byte[]? data)
    {
        var node = Tree.GetNode(path)!;
        Apply(Header(0, OpCode.SetData), new SetDataTxn(path, data, node.Version + 1));
    }

    public void SetAcl(string path, IReadOnlyList<Acl> acl)
    {
        var node = Tree.GetNode(path)!;
        Apply(Header(0, OpCode.SetAcl), new SetAclTxn(path, acl, node.Aversion + 1));
    }

    public void Delete(string path) => Apply(Header(0, OpCode.Delete), new DeleteTxn(path));

    public void Error(ErrorCode code) => Apply(Header(0, OpCode.Error), new ErrorTxn(code));

    /// <summary>A multi creating <paramref name="path"/> and a child under it, then setting its data.</summary>
    public void MultiCreateAndSet(string path, byte[] data)
    {
        var parent = Tree.GetNode(ZnodePath.Parent(path))!;
        var header = Header(0, OpCode.Multi);
        Apply(header, new MultiTxn([
            new MultiTxnEntry(OpCode.Create, new CreateTxn(path, null, Acls.OpenAclUnsafe, false, parent.Cversion + 1)),
            new MultiTxnEntry(OpCode.Create, new CreateTxn(path + "/child", [1, 2, 3], Ip, false, 1)),
            new MultiTxnEntry(OpCode.SetData, new SetDataTxn(path, data, 1)),
            new MultiTxnEntry(OpCode.Check, new CheckVersionTxn(path, 1)),
        ]));
    }

    /// <summary>A multi that failed in preparation: logged as errors, changes nothing.</summary>
    public void FailedMulti() =>
        Apply(Header(0, OpCode.Multi), new MultiTxn([
            new MultiTxnEntry(OpCode.Error, new ErrorTxn(ErrorCode.Ok)),
            new MultiTxnEntry(OpCode.Error, new ErrorTxn(ErrorCode.NoNode)),
            new MultiTxnEntry(OpCode.Error, new ErrorTxn(ErrorCode.RuntimeInconsistency)),
        ]));

    /// <summary>
    /// A tree with a bit of everything: nested nodes, null and empty and binary data, sequential, ephemeral,
    /// container and TTL nodes, several ACLs, deletes (so stored and shown cversions differ), multi and errors.
    /// </summary>
    public void Varied(long sessionA = 0x1000001, long sessionB = 0x1000002)
    {
        CreateSession(sessionA, 30000);
        CreateSession(sessionB, 25000);
        Create("/app", "hello"u8.ToArray());
        Create("/app/null", null);
        Create("/app/empty", []);
        Create("/app/binary", Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), Ip);
        for (int i = 0; i < 3; i++)
        {
            Create("/app/seq-", Encoding.UTF8.GetBytes("s" + i), sequential: true);
        }

        Delete("/app/seq-0000000005");
        SetData("/app", "v2"u8.ToArray());
        SetData("/app/empty", null);
        Create("/secure", "digest"u8.ToArray(), Digest);
        Create("/readonly", null, ReadOnly);
        SetAcl("/app/binary", Digest);
        Create("/app/eph", "mine"u8.ToArray(), ephemeralSession: sessionA);
        Create("/app/eseq-", null, ephemeralSession: sessionB, sequential: true);
        Create("/app/other", [], ephemeralSession: sessionB);
        CreateContainer("/cont", null);
        Create("/cont/child", "c"u8.ToArray());
        CreateTtl("/ttl", "t"u8.ToArray(), 3_600_000);
        Create("/ttl/child", null);
        MultiCreateAndSet("/m", "multi"u8.ToArray());
        FailedMulti();
        Error(ErrorCode.NodeExists);
        Create("/deep", null);
        Create("/deep/a", null);
        Create("/deep/a/b", null);
        Create("/deep/a/b/c", "leaf"u8.ToArray());
        Delete("/deep/a/b/c");
        Create("/deep/a/b/c", "leaf again"u8.ToArray());
        Create("/unicode-é-✓", "ünïcödé"u8.ToArray());
    }

    /// <summary>
    /// A random operation: create (persistent, ephemeral, sequential, container), delete a leaf, set data, set an
    /// ACL (sometimes one never seen before), open or close a session, re-create a deleted path, multi, error.
    /// </summary>
    public void RandomOperation(Random random, List<string> deleted)
    {
        var paths = Tree.AllNodes.Select(kv => kv.Key).Where(p => !DataTree.IsSpecialPath(p) || p == DataTree.Root).Order(StringComparer.Ordinal).ToList();
        var live = Sessions.Keys.Order().ToList();
        switch (random.Next(12))
        {
            case 0 or 1 or 2:
            {
                var parent = paths[random.Next(paths.Count)];
                var parentNode = Tree.GetNode(parent)!;
                if (parentNode.EphemeralOwner != 0 && !parentNode.HidesOwner)
                {
                    return; // ephemerals have no children
                }

                var path = ZnodePath.Join(parent, "n" + random.Next(1000));
                if (Tree.GetNode(path) is not null)
                {
                    return;
                }

                long owner = random.Next(3) == 0 && live.Count > 0 ? live[random.Next(live.Count)] : 0;
                Create(path, RandomData(random), RandomAcl(random), owner, sequential: random.Next(4) == 0);
                break;
            }
            case 3 or 4:
            {
                var leaves = paths.Where(p => p != DataTree.Root && Tree.GetNode(p)!.ChildCount == 0).ToList();
                if (leaves.Count > 0)
                {
                    var victim = leaves[random.Next(leaves.Count)];
                    Delete(victim);
                    deleted.Add(victim);
                }

                break;
            }
            case 5 or 6:
                if (paths.Count > 1)
                {
                    SetData(paths[1 + random.Next(paths.Count - 1)], RandomData(random));
                }

                break;
            case 7:
                if (paths.Count > 1)
                {
                    SetAcl(paths[1 + random.Next(paths.Count - 1)], RandomAcl(random));
                }

                break;
            case 8:
                if (live.Count < 4 || random.Next(2) == 0)
                {
                    CreateSession(0x2000000 + random.Next(1_000_000), 20000 + random.Next(20000));
                }
                else
                {
                    CloseSession(live[random.Next(live.Count)]);
                }

                break;
            case 9:
            {
                // Re-create a path deleted earlier (the case fuzzy snapshots must get right).
                var again = deleted.Where(p => Tree.GetNode(p) is null && Tree.GetNode(ZnodePath.Parent(p)) is { } parent && (parent.EphemeralOwner == 0 || parent.HidesOwner)).ToList();
                if (again.Count > 0)
                {
                    long owner = random.Next(2) == 0 && live.Count > 0 ? live[random.Next(live.Count)] : 0;
                    Create(again[random.Next(again.Count)], RandomData(random), RandomAcl(random), owner);
                }

                break;
            }
            case 10:
            {
                var parent = paths[random.Next(paths.Count)];
                var parentNode = Tree.GetNode(parent)!;
                var path = ZnodePath.Join(parent, "multi" + random.Next(1000));
                if ((parentNode.EphemeralOwner == 0 || parentNode.HidesOwner) && Tree.GetNode(path) is null)
                {
                    MultiCreateAndSet(path, RandomData(random) ?? []);
                }

                break;
            }
            default:
                if (random.Next(2) == 0)
                {
                    FailedMulti();
                }
                else
                {
                    Error(ErrorCode.BadVersion);
                }

                break;
        }
    }

    private static byte[]? RandomData(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => [],
        _ => Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256)).ToArray(),
    };

    private static IReadOnlyList<Acl> RandomAcl(Random random) => random.Next(6) switch
    {
        0 => ReadOnly,
        1 => Digest,
        2 => Ip,
        3 => [new(Perms.Read, new Id("digest", "user" + random.Next(1_000_000) + ":x"))], // a new ACL, never seen before
        _ => Acls.OpenAclUnsafe,
    };
}
