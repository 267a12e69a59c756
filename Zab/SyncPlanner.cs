namespace CoordAspire.Zab;

/// <summary>
/// How a leader brings a learner in line with its history: LearnerHandler.syncFollower's DIFF / TRUNC / SNAP choice,
/// made stricter where ZooKeeper 3.8 can leave a learner with a hole. A pure function, so that the table tests can
/// cite each rule.
/// </summary>
internal static class SyncPlanner
{
    /// <summary>The packet to send first and where the stream of history entries starts (exclusive).</summary>
    public readonly record struct Plan(SyncMode Mode, long Zxid, long StreamAfter);

    /// <param name="peerLastZxid">The learner's last logged zxid, from its ACKEPOCH.</param>
    /// <param name="history">The leader's history (committed-log window and uncommitted tail).</param>
    /// <param name="committedZxid">What the learner may treat as committed once it is UPTODATE: during
    /// synchronisation the whole history (UPTODATE only follows a quorum of NEWLEADER acks), in broadcast the last
    /// committed zxid.</param>
    /// <param name="appliedZxid">The leader's applied zxid: what a SNAP holds at least.</param>
    public static Plan Choose(long peerLastZxid, History history, long committedZxid, long appliedZxid)
    {
        long p = peerLastZxid;
        long c = committedZxid;

        // The learner's last entry is in our history, so its whole log is a prefix of our history (both came from
        // the leader of that entry's epoch, after that leader's NEWLEADER): send what it lacks.
        if (history.Contains(p))
        {
            if (p <= c)
            {
                return new Plan(SyncMode.Diff, c, p);
            }

            // It holds proposals that are ours but not committed yet. A learner treats everything up to its sync
            // point as committed at UPTODATE, so cut it back to the commit point and send them again as proposals.
            if (history.Contains(c))
            {
                return new Plan(SyncMode.Trunc, c, c);
            }
        }
        else if (p > history.LastZxid)
        {
            // It logged proposals beyond our history (an old leader's, or ones it took from one): ZooKeeper's TRUNC
            // to maxCommittedLog. Safe because this learner is not more recent than we are (waitForEpochAck checks
            // the quorum; a late learner is no quorum member): had it taken its newer entries in broadcast, their
            // epoch's NEWLEADER quorum would intersect our election quorum, so we would have synced with that
            // epoch's history, which is its log up to our last entry.
            long t = Math.Min(history.LastZxid, c);
            if (history.Contains(t) && t >= 0)
            {
                return new Plan(SyncMode.Trunc, t, t);
            }
        }
        else
        {
            // Its last entry is not ours: it logged proposals of an epoch whose leader lost them. Within that one
            // epoch both logs come from the same leader in the same order, so they agree up to our last entry of
            // that epoch: truncate there. Otherwise nothing in common is provable (ZooKeeper refuses TRUNC across
            // an epoch boundary too).
            long j = history.LastInEpochBefore(Zxid.EpochOf(p), p);
            if (j >= 0)
            {
                long t = Math.Min(j, c);
                if (history.Contains(t))
                {
                    return new Plan(SyncMode.Trunc, t, t);
                }
            }
        }

        // Too old for the committed-log window, or nothing in common we can prove: a snapshot of the state machine,
        // then every entry after it.
        return new Plan(SyncMode.Snap, appliedZxid, appliedZxid);
    }
}
