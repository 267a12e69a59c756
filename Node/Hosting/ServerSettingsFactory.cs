using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Network;

namespace CoordAspire.Node.Hosting;

/// <summary>Turns the parsed <c>zoo.cfg</c> into the settings of the pure parts and of the network edge.</summary>
internal static class ServerSettingsFactory
{
    /// <summary>What the request processor needs, and nothing else.</summary>
    public static ServerSettings ToServerSettings(this ZooConfig config) => new()
    {
        // Session ids carry the server id in their top byte. A member of an ensemble uses its myid; a standalone
        // server uses 1, as ZooKeeper's standalone server does (ZooKeeperServer.createSessionTrackerServerId).
        ServerId = config.Servers.Count > 0 ? config.ServerId ?? 1 : 1,
        TickTime = config.TickTime,
        MinSessionTimeout = config.MinSessionTimeout,
        MaxSessionTimeout = config.MaxSessionTimeout,
        ExtendedTypesEnabled = config.ExtendedTypesEnabled,
        ContainerCheckIntervalMs = config.ZnodeContainerCheckIntervalMs,
        ContainerMaxPerMinute = config.ZnodeContainerMaxPerMinute,

        // Only an ensemble member has local sessions (QuorumZooKeeperServer); a standalone server ignores the keys.
        LocalSessionsEnabled = config.Servers.Count > 0 && config.LocalSessionsEnabled,
        LocalSessionsUpgradingEnabled = config.LocalSessionsUpgradingEnabled,
    };

    /// <summary>The per-connection limits: <c>jute.maxbuffer</c> and <c>globalOutstandingLimit</c>.</summary>
    public static ConnectionLimits ToConnectionLimits(this ZooConfig config, ServerSettings settings) => new()
    {
        MaxBuffer = settings.MaxBuffer,
        MaxQueuedRequests = Math.Max(1, config.GlobalOutstandingLimit),
    };

    /// <summary>
    /// The address to bind the client port to. The wildcard binds IPv6's, in dual mode, where the system has IPv6, so
    /// that IPv4 and IPv6 clients are served as by Java's wildcard socket.
    /// </summary>
    public static IPEndPoint ResolveClientEndPoint(this ZooConfig config)
    {
        var address = config.ClientPortAddress
            ?? throw new ZooConfigException(config.ConfigFile ?? "zoo.cfg", null, "clientPort is not set");
        if (address.IsAnyAddress)
        {
            return new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, address.Port);
        }

        if (IPAddress.TryParse(address.Host, out var literal))
        {
            return new IPEndPoint(literal, address.Port);
        }

        var resolved = Dns.GetHostAddresses(address.Host);
        var chosen = resolved.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? resolved.FirstOrDefault()
            ?? throw new ZooConfigException(config.ConfigFile ?? "zoo.cfg", null, $"clientPortAddress: cannot resolve '{address.Host}'");
        return new IPEndPoint(chosen, address.Port);
    }
}
