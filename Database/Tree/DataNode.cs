using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tree;

/// <summary>
/// One znode: its data, ACL, persisted stat and the names of its children. Mutated only by
/// <see cref="DataTree"/> while applying a transaction, on the one thread that applies them.
/// </summary>
public sealed class DataNode
{
    private static readonly HashSet<string> NoChildren = [];

    private HashSet<string>? _children;

    public DataNode(byte[]? data, IReadOnlyList<Acl> acl, long czxid, long ctime, long ephemeralOwner)
    {
        Data = data;
        Acl = acl;
        Czxid = czxid;
        Mzxid = czxid;
        Pzxid = czxid;
        Ctime = ctime;
        Mtime = ctime;
        EphemeralOwner = ephemeralOwner;
    }

    /// <summary>Null when the client created or set it with null data; ZooKeeper keeps that distinct from empty.</summary>
    public byte[]? Data { get; set; }

    public IReadOnlyList<Acl> Acl { get; set; }

    public long Czxid { get; set; }

    public long Mzxid { get; set; }

    public long Ctime { get; set; }

    public long Mtime { get; set; }

    public int Version { get; set; }

    public int Cversion { get; set; }

    public int Aversion { get; set; }

    public long EphemeralOwner { get; set; }

    public long Pzxid { get; set; }

    /// <summary>Container and TTL nodes encode their kind in <see cref="EphemeralOwner"/>; clients are shown 0.</summary>
    public bool HidesOwner { get; set; }

    public IReadOnlyCollection<string> Children => _children ?? NoChildren;

    public int ChildCount => _children?.Count ?? 0;

    public bool AddChild(string name) => (_children ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);

    public bool RemoveChild(string name) => _children is not null && _children.Remove(name);

    /// <summary>
    /// The Stat a client sees (<c>DataNode.copyStat</c>). The stored cversion counts creates of children (it is what
    /// sequential suffixes come from); clients see the count of changes, creates and deletes, which is
    /// <c>2 × creates − children still present</c>. Containers and TTL nodes show no owner.
    /// </summary>
    public Stat ToStat()
    {
        int children = ChildCount;
        long owner = HidesOwner ? 0 : EphemeralOwner;
        return new(Czxid, Mzxid, Ctime, Mtime, Version, (Cversion * 2) - children, Aversion, owner, Data?.Length ?? 0, children, Pzxid);
    }

    public StatPersisted ToStatPersisted() => new(Czxid, Mzxid, Ctime, Mtime, Version, Cversion, Aversion, EphemeralOwner, Pzxid);
}
