using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Processing;

/// <summary>
/// What a znode will look like once the transactions prepared so far are applied (<c>ChangeRecord</c>). Preparation
/// reads these before the tree, so a multi's later operations see its earlier ones, and (with replication) a write
/// sees the writes proposed but not yet committed before it.
/// </summary>
internal sealed class ChangeRecord
{
    public required long Zxid { get; init; }

    public required string Path { get; init; }

    /// <summary>False for a pending delete: the path is gone.</summary>
    public required bool Exists { get; init; }

    public int Version { get; set; }

    public int Cversion { get; set; }

    public int Aversion { get; set; }

    public long EphemeralOwner { get; set; }

    public int ChildCount { get; set; }

    public IReadOnlyList<Acl> Acl { get; set; } = [];

    public ChangeRecord Duplicate(long zxid) => new()
    {
        Zxid = zxid,
        Path = Path,
        Exists = Exists,
        Version = Version,
        Cversion = Cversion,
        Aversion = Aversion,
        EphemeralOwner = EphemeralOwner,
        ChildCount = ChildCount,
        Acl = Acl,
    };
}
