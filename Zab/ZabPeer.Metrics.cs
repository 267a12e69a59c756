namespace CoordAspire.Zab;

/// <summary>How far one follower is behind its leader's proposals, as the leader sees it.</summary>
/// <param name="LearnerId">The follower's server id.</param>
/// <param name="Unacknowledged">Proposals sent to it that it has not acknowledged: within an epoch, how far its last
/// ACKed zxid is behind the leader's last proposed one.</param>
public readonly record struct LearnerLag(long LearnerId, int Unacknowledged);

/// <summary>
/// Read-only figures for monitoring: the leader's values that ZooKeeper's <c>mntr</c> prints
/// (<c>LeaderZooKeeperServer.registerMetrics</c>: learners, synced_followers, synced_observers, pending_syncs,
/// leader_uptime) and the learners' lag. They change nothing, and are read on the thread that drives the peer.
/// Outside LEADING the leader's figures are 0 (ZooKeeper prints none of them then).
/// </summary>
public sealed partial class ZabPeer
{
    /// <summary>Learner connections in any phase (<c>zk_learners</c>: <c>Leader.getLearners</c>).</summary>
    public int LearnerCount => State == ServerState.Leading ? _learners.Count : 0;

    /// <summary>
    /// Followers the leader forwards proposals to (<c>zk_synced_followers</c>: <c>Leader.forwardingFollowers</c>,
    /// which a follower joins once its history is sent, before UPTODATE).
    /// </summary>
    public int SyncedFollowerCount => CountForwarding(observers: false);

    /// <summary>Observers the leader forwards INFORMs to (<c>zk_synced_observers</c>).</summary>
    public int SyncedObserverCount => CountForwarding(observers: true);

    /// <summary>Forwarded syncs waiting for a proposal to commit (<c>zk_pending_syncs</c>: <c>Leader.pendingSyncs</c>, by zxid).</summary>
    public int PendingSyncCount => State == ServerState.Leading ? _pendingSyncs.Count : 0;

    /// <summary>Proposals made and not yet committed (the leader's <c>outstandingProposals</c>).</summary>
    public int OutstandingProposalCount => State == ServerState.Leading ? _outstanding.Count : 0;

    /// <summary>Ticks since this peer started leading (<c>zk_leader_uptime</c>, in ticks); 0 unless leading.</summary>
    public long LeadingTicks => State == ServerState.Leading ? _now - _leadingSince : 0;

    /// <summary>Each forwarding follower's unacknowledged proposals, by server id; empty unless leading.</summary>
    public IReadOnlyList<LearnerLag> LearnerLags()
    {
        if (State != ServerState.Leading || _learners.Count == 0)
        {
            return [];
        }

        var lags = new List<LearnerLag>(_learners.Count);
        foreach (var handler in _learners.Values)
        {
            // Observers get INFORMs, which they do not acknowledge: they have no lag to count here.
            if (handler.IsForwarding && !handler.IsObserver)
            {
                lags.Add(new LearnerLag(handler.Sid, handler.Unacked.Count));
            }
        }

        return lags;
    }

    private int CountForwarding(bool observers)
    {
        if (State != ServerState.Leading)
        {
            return 0;
        }

        int count = 0;
        foreach (var handler in _learners.Values)
        {
            if (handler.IsForwarding && handler.IsObserver == observers)
            {
                count++;
            }
        }

        return count;
    }
}
