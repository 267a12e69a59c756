using CoordAspire.Database.Processing;
using CoordAspire.Node.Configuration;
using CoordAspire.Node.Network;
using CoordAspire.Node.Processing;

namespace CoordAspire.Node.Commands;

/// <summary>What the four letter words read: the configuration, the connections, and the processor through the loop.</summary>
internal sealed record FourLetterWordContext(
    ZooConfig Config,
    ServerSettings Settings,
    RequestLoop Loop,
    ConnectionRegistry Connections,
    ServerClock Clock,
    long StartedElapsedMs,
    Func<System.Net.IPEndPoint> LocalEndPoint)
{
    /// <summary>What <c>ServerStats.getServerState</c> says; only standalone exists so far.</summary>
    public string ServerState => "standalone";
}
