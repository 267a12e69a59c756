using CoordAspire.Configuration;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Network;
using CoordAspire.Node.Processing;
using CoordAspire.Server;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Commands;

/// <summary>What the four letter words read: the configuration, the connections, and the processor through the loop.</summary>
internal sealed record FourLetterWordContext(
    ZooConfig Config,
    ServerSettings Settings,
    RequestLoop Loop,
    ConnectionRegistry Connections,
    ServerClock Clock,
    long StartedElapsedMs,
    Func<System.Net.IPEndPoint> LocalEndPoint,
    Func<NodeMode> Mode,
    Func<bool> IsServing,
    Func<bool> IsReadOnly,
    Func<CoordAspire.Server.Replication.EnsembleMember?> Ensemble)
{
    /// <summary>What <c>ServerStats.getServerState</c> says: standalone, leader, follower, observer.</summary>
    public string ServerState => NodeModeNames.ToZooKeeperName(Mode());
}
