using CoordAspire.Configuration;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Persistence;
using CoordAspire.Node.Processing;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Replication;

/// <summary>Builds an ensemble member from zoo.cfg: the consensus core's timing, the ensemble, the core itself.</summary>
internal static class EnsembleSetup
{
    /// <summary>
    /// How often the consensus core ticks. ZooKeeper counts its limits in tickTime units (2 s is common), far too
    /// coarse for an election that should take tens of milliseconds; the core counts 10 ms ticks instead and
    /// zoo.cfg's initLimit and syncLimit are converted (rounded up, never shorter than configured).
    /// </summary>
    public const int CoreTickMs = 10;

    /// <summary>
    /// ZooKeeper waits finalizeWait (200 ms) once a quorum agrees, in case a better vote is still on its way. On a
    /// LAN notifications arrive within a millisecond or two, and the wait is the largest part of a failover, so we
    /// wait 30 ms. Safety does not depend on it: a member only ever switches its vote to a better one, so a leader
    /// backed by a quorum is at least as up to date as each of them.
    /// </summary>
    public const int FinalizeWaitMs = 30;

    /// <summary>How soon a learner tries again to connect to a leader that is not listening yet (ZooKeeper: 100 ms).</summary>
    public const int LeaderConnectRetryMs = 50;

    public static ZabConfig ZabConfigFor(ZooConfig config)
    {
        int initLimit = config.InitLimit > 0 ? config.InitLimit : 10;
        int syncLimit = config.SyncLimit > 0 ? config.SyncLimit : 5;
        int Ticks(int ms) => Math.Max(1, (ms + CoreTickMs - 1) / CoreTickMs);
        return ZabConfig.FromZooKeeper(config.TickTime, initLimit, syncLimit, CoreTickMs) with
        {
            FinalizeWait = Ticks(FinalizeWaitMs),
            MinNotificationInterval = Ticks(FinalizeWaitMs),
            ConnectRetryInterval = Ticks(LeaderConnectRetryMs),
        };
    }

    public static Ensemble EnsembleFor(ZooConfig config) =>
        new(config.VotingMembers.Select(s => s.Id), config.ObservingMembers.Select(s => s.Id));

    public static EnsembleMember CreateMember(
        ZooConfig config,
        DurableState durableState,
        RequestProcessor processor,
        RequestLoop loop,
        DurableLog durable,
        QuorumPeerNetwork network,
        Action<string> closeClientConnections,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        long myId = config.ServerId ?? throw new ZooConfigException(config.ConfigFile ?? "zoo.cfg", null, "an ensemble member needs its id in dataDir/myid");
        var peer = new ZabPeer(myId, EnsembleFor(config), durableState, ZabConfigFor(config), new Random());
        var member = new EnsembleMember(
            peer,
            processor,
            loop,
            durable,
            network,
            () => SnapshotBody(processor),
            closeClientConnections,
            CoreTickMs,
            config.ReadOnlyModeEnabled ? ReadOnlyModeTimer.For(config.TickTime, time) : null,
            loggerFactory.CreateLogger<EnsembleMember>());
        network.Attach(member);
        Telemetry.ZabGauges.Register();
        return member;
    }

    /// <summary>The tree and sessions as a SNAP carries them (ZKDatabase.serializeSnapshot), and the zxid they reflect.</summary>
    private static (long Zxid, ReadOnlyMemory<byte> Body) SnapshotBody(RequestProcessor processor)
    {
        var sessions = Storage.DataDirectory.SessionsOf(processor.Sessions);
        return (processor.Tree.LastProcessedZxid, Storage.SnapshotStream.Serialize(processor.Tree, sessions));
    }
}
