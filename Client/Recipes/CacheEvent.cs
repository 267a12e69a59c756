using CoordAspire.Protocol.Records;

namespace CoordAspire.Client.Recipes;

/// <summary>A znode as a cache holds it (Curator's <c>ChildData</c>).</summary>
public sealed record ZNodeData(string Path, byte[] Data, Stat Stat);

public enum CacheEventType
{
    /// <summary>A znode appeared in the cache.</summary>
    Created,

    /// <summary>A cached znode's data was written (its <c>mzxid</c> moved), or the znode was deleted and created again.</summary>
    Changed,

    /// <summary>A znode left the cache.</summary>
    Deleted,

    /// <summary>The initial load is complete: the cache now reflects the tree.</summary>
    Initialized,
}

/// <summary>A change of a cache (Curator's <c>CuratorCacheListener</c> arguments): <see cref="Node"/> is the znode now
/// (null when deleted), <see cref="Previous"/> what the cache held before (null when created). Both are null for
/// <see cref="CacheEventType.Initialized"/>.</summary>
public sealed record CacheEvent(CacheEventType Type, ZNodeData? Node, ZNodeData? Previous)
{
    public string? Path => Node?.Path ?? Previous?.Path;
}
