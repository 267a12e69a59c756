namespace CoordAspire.Node;

/// <summary>
/// What this server says it is. Tools parse ZooKeeper's version line (<c>Zookeeper version: 3.8.0-…, built on …</c>
/// in <c>srvr</c>, <c>zk_version</c> in <c>mntr</c>) to decide which protocol features they may use, so we claim the
/// ZooKeeper release whose wire protocol we speak and put our own name and version where ZooKeeper puts its git
/// commit: honest to a human, and still <c>3.8.0</c> to a parser.
/// </summary>
internal static class NodeVersion
{
    /// <summary>The Apache ZooKeeper release whose client protocol and four letter words we implement.</summary>
    public const string ZooKeeperCompatibility = "3.8.0";

    /// <summary>Our own version (every project of the product carries the same one).</summary>
    public static readonly string Version = Server.ServerVersion.Version;

    /// <summary><c>Version.getFullVersion()</c>'s shape: <c>3.8.0-CoordAspire-1.0.0, built on 2025-01-31 12:00 UTC</c>.</summary>
    public static readonly string FullVersion =
        $"{ZooKeeperCompatibility}-CoordAspire-{Version}, built on {BuildTime():yyyy-MM-dd HH:mm} UTC";

    private static DateTime BuildTime()
    {
        // No build timestamp is stamped into the assembly (builds are deterministic); the file's time is the next best.
        string location = typeof(NodeVersion).Assembly.Location;
        return location.Length > 0 && File.Exists(location) ? File.GetLastWriteTimeUtc(location) : DateTime.UnixEpoch;
    }
}
