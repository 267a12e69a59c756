namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>One applied transaction: its zxid and the client write it carries.</summary>
internal readonly record struct Applied(long Zxid, long WriteId);

/// <summary>
/// One simulated server: a <see cref="ZabPeer"/> (null while crashed) and what its host keeps — the durable epochs,
/// the log with the part not yet fsynced, a snapshot, and the in-memory state machine (the list of applied writes).
/// </summary>
internal sealed class SimNode(long id, bool isObserver)
{
    public long Id { get; } = id;

    public bool IsObserver { get; } = isObserver;

    public ZabPeer? Peer { get; set; }

    public int Incarnation { get; set; }

    public long RestartAt { get; set; } = -1;

    /// <summary>Crash at the end of this tick's deliveries (a crash in the window between a write and its fsync).</summary>
    public bool CrashSoon { get; set; }

    // ---- durable (survives a crash) ----

    public EpochState Epochs { get; set; }

    /// <summary>The log as written; entries from <see cref="DurableCount"/> on are not yet fsynced.</summary>
    public List<Txn> Log { get; } = [];

    public int DurableCount { get; set; }

    public long LogBase { get; set; }

    /// <summary>Durable log entries by zxid (for the "committed is on a quorum's disk" check).</summary>
    public Dictionary<long, long> DurableWrites { get; } = [];

    public long SnapshotZxid { get; set; }

    public List<Applied> SnapshotContent { get; set; } = [];

    // ---- volatile ----

    public List<Applied> Applied { get; set; } = [];

    /// <summary>Pending fsyncs: the log sequence they cover, the log length then, and when they complete.</summary>
    public Queue<(long Seq, int CountAfter, long CompleteAt)> PendingFsync { get; } = new();

    public long LastFsyncAt { get; set; }

    public long SlowDiskUntil { get; set; } = -1;

    /// <summary>Paused through this tick (SIGSTOP): it does nothing at all until then.</summary>
    public long PausedUntil { get; set; } = -1;

    /// <summary>Syncs of the leader's own clients waiting for their ping round: the round, and what was committed
    /// anywhere when they were issued.</summary>
    public List<(long Round, long CommittedAnywhere)> LeaderSyncs { get; } = [];

    /// <summary>Client writes submitted here and not yet answered: write id → client.</summary>
    public Dictionary<long, SimClient> PendingWrites { get; } = [];

    /// <summary>Forwarded syncs: (session, cxid) → the leader's commit point when issued, and the writes the same
    /// session had submitted here and not yet seen answered (the sync must come back after them).</summary>
    public Dictionary<(long, int), (long CommittedAnywhere, long[] WritesBefore, long ForwardSeq)> PendingSyncs { get; } = [];

    /// <summary>The order this learner forwarded writes and syncs in: a counter, and each pending forwarded write's
    /// place in it (the leader must answer them in that order, as ZooKeeper's CommitProcessor expects).</summary>
    public long ForwardSeq { get; set; }

    public Dictionary<long, long> ForwardedWrites { get; } = [];

    /// <summary>
    /// The leader host's work in hand, done at the end of the tick like our Node's loop batch: forwarded writes to
    /// propose (their bodies) and learners' syncs to answer (a <c>long</c> learner id), in the order the core asked.
    /// </summary>
    public Queue<object> HostWork { get; } = new();

    public bool IsAlive => Peer is not null;

    public long AppliedZxid => Applied.Count == 0 ? 0 : Applied[^1].Zxid;

    public bool IsServing => Peer is { IsServing: true };

    public bool HoldsDurably(long zxid, long writeId) =>
        (DurableWrites.TryGetValue(zxid, out long w) && w == writeId)
        || (SnapshotZxid >= zxid && SnapshotContent.Count > 0 && ContainsApplied(SnapshotContent, zxid, writeId));

    private static bool ContainsApplied(List<Applied> list, long zxid, long writeId)
    {
        int lo = 0, hi = list.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].Zxid == zxid)
            {
                return list[mid].WriteId == writeId;
            }

            if (list[mid].Zxid < zxid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    public void MarkDurable(int count)
    {
        for (int i = DurableCount; i < count && i < Log.Count; i++)
        {
            DurableWrites[Log[i].Zxid] = Simulation.WriteIdOf(Log[i]);
        }

        DurableCount = Math.Max(DurableCount, Math.Min(count, Log.Count));
    }

    public override string ToString() =>
        Peer is null
            ? $"node {Id}: crashed"
            : $"node {Id}: {Peer.State}/{Peer.Phase} leader {Peer.LeaderId} epoch {Peer.Epoch} "
              + $"accepted {Epochs.AcceptedEpoch} current {Epochs.CurrentEpoch} logged {Zxid.ToHex(Peer.LastLoggedZxid)} "
              + $"committed {Zxid.ToHex(Peer.LastCommittedZxid)} applied {Zxid.ToHex(AppliedZxid)} ({Applied.Count})";
}

/// <summary>A client session: attached to one server, it reads there and writes through it.</summary>
internal sealed class SimClient(int id)
{
    public int Id { get; } = id;

    public long SessionId => 0x1000 + Id;

    public SimNode? Attached { get; set; }

    /// <summary>The newest zxid this session has seen (ZooKeeper's lastZxidSeen).</summary>
    public long LastSeen { get; set; }

    public long BelievedLeader { get; set; } = 1;

    public int Cxid { get; set; }
}
