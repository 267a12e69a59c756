namespace CoordAspire.Zab;

/// <summary>Where a learner's connection is, from the leader's side (LearnerHandler.run, top to bottom).</summary>
internal enum LearnerPhase
{
    /// <summary>FOLLOWERINFO/OBSERVERINFO received; the leader waits for a quorum to fix the new epoch.</summary>
    AwaitingEpoch,

    /// <summary>LEADERINFO sent; waiting for ACKEPOCH.</summary>
    AwaitingAckEpoch,

    /// <summary>ACKEPOCH received; waiting for a quorum of them (waitForEpochAck).</summary>
    AwaitingEpochQuorum,

    /// <summary>DIFF/TRUNC/SNAP, the history and NEWLEADER sent; waiting for the ACK of NEWLEADER. From here on the
    /// learner gets every new proposal and commit (startForwarding).</summary>
    Syncing,

    /// <summary>NEWLEADER acknowledged; waiting for the leader's quorum (waitForNewLeaderAck) to send UPTODATE.</summary>
    AwaitingQuorum,

    /// <summary>UPTODATE sent: the learner serves, is pinged and counts towards the leader's quorum.</summary>
    Broadcast,
}

/// <summary>The leader's record of one learner connection (one LearnerHandler thread in ZooKeeper).</summary>
internal sealed class LearnerHandler(long sid, bool isObserver, long acceptedEpoch, long now)
{
    public long Sid { get; } = sid;

    public bool IsObserver { get; } = isObserver;

    public long AcceptedEpoch { get; } = acceptedEpoch;

    public LearnerPhase Phase { get; set; } = LearnerPhase.AwaitingEpoch;

    /// <summary>The learner's last logged zxid, from its ACKEPOCH.</summary>
    public long PeerLastZxid { get; set; }

    /// <summary>The tick of the last packet from the learner (tickOfNextAckDeadline minus the limit).</summary>
    public long LastHeard { get; set; } = now;

    /// <summary>When UPTODATE went out: the unacknowledged-proposal clock starts there (syncLimitCheck.start).</summary>
    public long BroadcastSince { get; set; }

    /// <summary>Proposals sent and not yet acknowledged, oldest first (LearnerHandler.SyncLimitCheck).</summary>
    public Queue<(long Zxid, long SentTick)> Unacked { get; } = new();

    /// <summary>The ping rounds sent to it and not yet echoed, oldest first (see ZabPeer.Leader.Confirmation.cs).</summary>
    public Queue<long> PingRounds { get; } = new();

    /// <summary>The latest ping round it has echoed.</summary>
    public long EchoedRound { get; set; }

    /// <summary>A SYNC waiting for its round to be confirmed (Round &gt; 0), and the COMMITs and INFORMs behind it.</summary>
    public Queue<(ZabMessage Message, long Round)> Held { get; } = new();

    public bool IsForwarding => Phase >= LearnerPhase.Syncing;
}
