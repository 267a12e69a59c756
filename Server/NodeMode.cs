namespace CoordAspire.Server;

/// <summary>
/// What a server is doing, in the words <c>srvr</c> and <c>zkServer.sh status</c> use (<c>ServerStats.getServerState</c>).
/// </summary>
public enum NodeMode
{
    /// <summary>A single server with no ensemble: it serves on its own.</summary>
    Standalone,

    /// <summary>An ensemble member in leader election, or synchronising with a new leader: it serves no one.</summary>
    Looking,

    /// <summary>The ensemble's leader.</summary>
    Leader,

    /// <summary>A voting member following the leader.</summary>
    Follower,

    /// <summary>A non-voting member following the leader.</summary>
    Observer,

    /// <summary>A member without a quorum that serves read-only clients (<c>readonlymode.enabled</c>).</summary>
    ReadOnly,
}

/// <summary>The names ZooKeeper prints.</summary>
public static class NodeModeNames
{
    public static string ToZooKeeperName(this NodeMode mode) => mode switch
    {
        NodeMode.Standalone => "standalone",
        NodeMode.Looking => "looking",
        NodeMode.Leader => "leader",
        NodeMode.Follower => "follower",
        NodeMode.Observer => "observer",
        NodeMode.ReadOnly => "read-only",
        _ => "unknown",
    };
}
