namespace CoordAspire.Zab;

/// <summary>
/// The QuorumPacket type codes of Apache ZooKeeper 3.8 (Leader.java constants). They are a wire format shared with
/// ZooKeeper's own servers: never renumber (a golden test pins them).
/// </summary>
public enum PacketType
{
    Request = 1,
    Proposal = 2,
    Ack = 3,
    Commit = 4,
    Ping = 5,
    Revalidate = 6,
    Sync = 7,
    Inform = 8,
    CommitAndActivate = 9,
    NewLeader = 10,
    FollowerInfo = 11,
    UpToDate = 12,
    Diff = 13,
    Trunc = 14,
    Snap = 15,
    ObserverInfo = 16,
    LeaderInfo = 17,
    AckEpoch = 18,
    InformAndActivate = 19,
}
