namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>One simulated run, entirely determined by its seed (so that ZAB_SEED=n replays it exactly).</summary>
internal sealed record SimOptions
{
    public required int Seed { get; init; }

    public int Voters { get; init; } = 3;

    public int Observers { get; init; }

    /// <summary>Ticks with faults, then ticks of a healed network in which everything must converge.</summary>
    public int FaultTicks { get; init; } = 300;

    public int HealTicks { get; init; } = 300;

    /// <summary>Clients stop writing this long before the end, so that the last writes can commit everywhere.</summary>
    public int QuietTicks { get; init; } = 120;

    public int MinDelay { get; init; } = 1;

    public int MaxDelay { get; init; } = 3;

    public double ElectionDrop { get; init; } = 0.05;

    public double ElectionDuplicate { get; init; } = 0.03;

    public double PartitionRate { get; init; } = 0.012;

    public double CrashRate { get; init; } = 0.006;

    /// <summary>Chance that a server crashes in the same tick as it wrote its epochs or log, before the fsync.</summary>
    public double CrashAfterWriteRate { get; init; } = 0.01;

    public double ResetRate { get; init; } = 0.008;

    public double SlowDiskRate { get; init; } = 0.006;

    /// <summary>Chance per tick that a server is paused (SIGSTOP, a long GC): it neither ticks nor takes a message
    /// nor answers a client for a while, then goes on as if no time had passed — its tick count did not move.</summary>
    public double PauseRate { get; init; } = 0.004;

    public double SnapshotRate { get; init; } = 0.01;

    public int Clients { get; init; } = 3;

    /// <summary>How many recent events a failure report shows.</summary>
    public int TraceSize { get; init; } = 48;

    public double WriteRate { get; init; } = 0.35;

    public double ReadRate { get; init; } = 0.3;

    public double SyncRate { get; init; } = 0.02;

    /// <summary>
    /// A planted host bug for the checker's own test: the leader's host answers a learner's sync as soon as the core
    /// asks, before proposing the writes it was handed before it (what our Node did, which an Apache follower turns
    /// into replies out of order). The session-order check must catch it.
    /// </summary>
    public bool AnswerSyncsBeforeProposing { get; init; }

    /// <summary>
    /// Another planted host bug: the leader's host proposes every write of its batch before answering the batch's
    /// syncs (what our Node's first fix did). Each session still sees its own order, but a learner gets a SYNC after
    /// the COMMIT of a write it forwarded after the sync, which an Apache follower matches to the wrong request.
    /// </summary>
    public bool AnswerSyncsAfterTheBatchsWrites { get; init; }

    public ZabConfig Zab { get; init; } = new()
    {
        InitLimit = 24,
        SyncLimit = 12,
        PingInterval = 3,
        FinalizeWait = 2,
        MinNotificationInterval = 4,
        MaxNotificationInterval = 32,
        ConnectRetryInterval = 3,
        CommittedLogWindow = 32,
    };

    public int Members => Voters + Observers;

    public static SimOptions ForSeed(int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + 17));
        return new SimOptions
        {
            Seed = seed,
            Voters = rng.Next(2) == 0 ? 3 : 5,
            Observers = rng.Next(4) == 0 ? 1 : 0,
            Zab = new SimOptions { Seed = 0 }.Zab with { CommittedLogWindow = rng.Next(4, 48) },
        };
    }

    public override string ToString() =>
        $"ZAB_SEED={Seed} ({Voters} voters, {Observers} observers, window {Zab.CommittedLogWindow})";
}
