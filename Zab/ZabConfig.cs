namespace CoordAspire.Zab;

/// <summary>
/// Timing of the core, all in core ticks: one <see cref="ZabPeer.Tick"/> call. The host picks the tick length;
/// ZooKeeper's own settings are in tickTime units, which is far too coarse for finalizeWait (200 ms against a
/// 2,000 ms tickTime), so the core counts finer ticks and <see cref="FromZooKeeper"/> converts zoo.cfg values.
/// </summary>
public sealed record ZabConfig
{
    /// <summary>initLimit: how long discovery and synchronisation may take, per step (Leader.getEpochToPropose,
    /// waitForEpochAck, waitForNewLeaderAck; the learner's read timeout before UPTODATE).</summary>
    public int InitLimit { get; init; } = 100;

    /// <summary>syncLimit: how long a learner may be silent (or leave a proposal unacknowledged) before the leader
    /// drops it; how long a learner waits for its leader; how long a leader may lack a quorum before stepping down.</summary>
    public int SyncLimit { get; init; } = 50;

    /// <summary>How often the leader pings each learner (ZooKeeper: twice per tickTime).</summary>
    public int PingInterval { get; init; } = 5;

    /// <summary>FastLeaderElection.finalizeWait: once a quorum agrees, wait this long for a better vote.</summary>
    public int FinalizeWait { get; init; } = 2;

    /// <summary>Notification re-send timeout, doubled on each silence up to <see cref="MaxNotificationInterval"/>.</summary>
    public int MinNotificationInterval { get; init; } = 2;

    public int MaxNotificationInterval { get; init; } = 600;

    /// <summary>How long a learner waits before connecting again to a leader that refused it (Learner.connectToLeader).</summary>
    public int ConnectRetryInterval { get; init; } = 10;

    /// <summary>ZKDatabase.commitLogCount: committed transactions kept in memory to sync learners by DIFF.</summary>
    public int CommittedLogWindow { get; init; } = 500;

    /// <summary>
    /// A leader answers a sync only once a quorum has echoed a PING sent after it (ZabPeer.Leader.Confirmation.cs),
    /// so that sync + read is linearizable even across a leader deposed without knowing it. False answers syncs as
    /// ZooKeeper does, at once from the leader's state: one round trip faster, and stale after such a deposition.
    /// </summary>
    public bool LinearizableSync { get; init; } = true;

    /// <summary>
    /// Converts zoo.cfg timing. <paramref name="coreTickMs"/> is how often the host calls Tick (it must divide
    /// nothing in particular; values round up so that no limit becomes shorter than configured).
    /// </summary>
    public static ZabConfig FromZooKeeper(int tickTimeMs, int initLimit, int syncLimit, int coreTickMs)
    {
        if (tickTimeMs <= 0 || coreTickMs <= 0 || initLimit <= 0 || syncLimit <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tickTimeMs), "Timing values must be positive.");
        }

        int Ticks(long ms) => (int)Math.Max(1, (ms + coreTickMs - 1) / coreTickMs);
        int finalizeWait = Ticks(200);
        return new ZabConfig
        {
            InitLimit = Ticks((long)initLimit * tickTimeMs),
            SyncLimit = Ticks((long)syncLimit * tickTimeMs),
            PingInterval = Ticks(tickTimeMs / 2),
            FinalizeWait = finalizeWait,
            MinNotificationInterval = finalizeWait,
            MaxNotificationInterval = Ticks(60_000),
            ConnectRetryInterval = Ticks(1_000),
        };
    }
}
