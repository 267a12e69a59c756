namespace CoordAspire.Zab;

/// <summary>QuorumPeer.ServerState, numbered as in the election notification's state field.</summary>
public enum ServerState
{
    Looking = 0,
    Following = 1,
    Leading = 2,
    Observing = 3,
}

/// <summary>QuorumPeer.ZabState: where a non-looking peer is in the three ZAB phases.</summary>
public enum ZabPhase
{
    Election,
    Discovery,
    Synchronization,
    Broadcast,
}

/// <summary>How the leader brings a learner's log in line with its own history (LearnerHandler.syncFollower).</summary>
public enum SyncMode
{
    Diff,
    Trunc,
    Snap,
}
