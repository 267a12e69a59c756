namespace CoordAspire.Zab;

/// <summary>
/// A vote in fast leader election: the proposed leader, its last logged zxid, the election round (logicalclock)
/// and the proposed leader's epoch (its currentEpoch).
/// </summary>
public readonly record struct Vote(long Leader, long Zxid, long ElectionEpoch, long PeerEpoch)
{
    /// <summary>
    /// FastLeaderElection.totalOrderPredicate: the new vote wins if its epoch is higher; or the epoch is equal and
    /// its zxid is higher; or epoch and zxid are equal and its server id is higher. A server without voting weight
    /// (an observer) never wins.
    /// </summary>
    public static bool TotalOrderPredicate(
        long newId, long newZxid, long newEpoch, long curId, long curZxid, long curEpoch, bool newIdIsVoter = true)
    {
        if (!newIdIsVoter)
        {
            return false;
        }

        return newEpoch > curEpoch
            || (newEpoch == curEpoch && (newZxid > curZxid || (newZxid == curZxid && newId > curId)));
    }

    /// <summary>
    /// Vote.equals as vote trackers use it: while either side is LOOKING every field must match; votes of servers
    /// out of the election (FOLLOWING/LEADING) match on leader and peer epoch only (ZOOKEEPER-1805), because their
    /// zxids and election rounds legitimately differ.
    /// </summary>
    public static bool Matches(Vote a, ServerState aState, Vote b, ServerState bState) =>
        aState == ServerState.Looking || bState == ServerState.Looking
            ? a == b
            : a.Leader == b.Leader && a.PeerEpoch == b.PeerEpoch;

    public override string ToString() =>
        $"(leader {Leader}, zxid {Zab.Zxid.ToHex(Zxid)}, round {ElectionEpoch}, epoch {PeerEpoch})";
}
