namespace CoordAspire.Configuration;

/// <summary>
/// A host and port as written in the configuration: ZooKeeper's <c>InetSocketAddress</c>,
/// kept unresolved so that parsing stays pure and DNS is looked up by whoever binds or connects.
/// </summary>
/// <param name="Host">A host name or IP literal without IPv6 brackets; <see cref="AnyAddress"/> for all interfaces.</param>
/// <param name="Port">0..65535.</param>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>The wildcard address ZooKeeper binds when only a port is given (<c>new InetSocketAddress(port)</c>).</summary>
    public const string AnyAddress = "0.0.0.0";

    /// <summary>True for the IPv4 or IPv6 wildcard address (ZooKeeper's <c>isAnyLocalAddress</c>).</summary>
    public bool IsAnyAddress => Host is AnyAddress or "::" or "0:0:0:0:0:0:0:0";

    /// <summary>Host and port as ZooKeeper writes them (<c>QuorumServer.delimitedHostString</c>): IPv6 literals in brackets.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
