using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tree;

/// <summary>
/// One znode: its data, ACL, persisted stat and the names of its children. Mutated only by
/// <see cref="DataTree"/> while applying a transaction, on the one thread that applies them. A fuzzy snapshot reads
/// the persisted fields from a thread of its own meanwhile (<see cref="ReadStatPersistedFuzzy"/>; why that is
/// safe is argued in <c>DataTree.Snapshot.cs</c>); it never reads <see cref="Children"/>.
/// </summary>
public sealed class DataNode
{
    private static readonly HashSet<string> NoChildren = [];

    private HashSet<string>? _children;
    private int _cversion;

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

    /// <summary>
    /// Null when the client created or set it with null data; ZooKeeper keeps that distinct from empty. Replaced,
    /// never written into: a snapshot thread may still be reading the previous array.
    /// </summary>
    public byte[]? Data { get; set; }

    /// <summary>Replaced, never changed in place, for the same reason as <see cref="Data"/>.</summary>
    public IReadOnlyList<Acl> Acl { get; set; }

    public long Czxid { get; set; }

    public long Mzxid { get; set; }

    public long Ctime { get; set; }

    public long Mtime { get; set; }

    public int Version { get; set; }

    /// <summary>
    /// The stored cversion: creates of children. Changes together with <see cref="Pzxid"/> through
    /// <see cref="SetChildCreated"/> while the tree is live.
    /// </summary>
    public int Cversion
    {
        get => _cversion;
        set => _cversion = value;
    }

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
    /// A child was created by the transaction <paramref name="zxid"/>, which gives the parent's new cversion
    /// (<c>DataTree.createNode</c>: <c>parent.stat.setCversion; parent.stat.setPzxid</c>). Pzxid is stored first
    /// and cversion last, with release semantics, so that a snapshot thread that sees the new cversion also sees
    /// this pzxid or a later one (see <see cref="ReadStatPersistedFuzzy"/>).
    /// </summary>
    public void SetChildCreated(int cversion, long zxid)
    {
        Pzxid = zxid;
        Volatile.Write(ref _cversion, cversion);
    }

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

    /// <summary>The persisted stat, read on the thread that applies transactions (or of a tree no one changes).</summary>
    public StatPersisted ToStatPersisted() => new(Czxid, Mzxid, Ctime, Mtime, Version, Cversion, Aversion, EphemeralOwner, Pzxid);

    /// <summary>
    /// The persisted stat as a fuzzy snapshot reads it from its own thread while the loop thread may be applying a
    /// transaction to this node. Each field is read atomically (aligned ints and longs on a 64-bit runtime), but
    /// fields changed by one transaction may come from before and after it; <c>DataTree.Snapshot.cs</c> shows why
    /// replaying the log after the snapshot's zxid repairs every such mix but one, which the order here rules out:
    /// cversion is read first with acquire semantics and pzxid after it, so a new cversion never comes with a pzxid
    /// older than the one <see cref="SetChildCreated"/> stored before it.
    /// </summary>
    public StatPersisted ReadStatPersistedFuzzy()
    {
        int cversion = Volatile.Read(ref _cversion);
        long pzxid = Pzxid;
        return new(Czxid, Mzxid, Ctime, Mtime, Version, cversion, Aversion, EphemeralOwner, pzxid);
    }
}
