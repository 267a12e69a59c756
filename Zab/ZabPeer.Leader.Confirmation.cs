namespace CoordAspire.Zab;

/// <summary>
/// LEADING — syncs that are linearizable. ZooKeeper's leader answers a sync from its own state (Leader.processSync),
/// so a leader that has lost its quorum without knowing it yet — paused by SIGSTOP or a long GC, or cut off, for
/// longer than the others need to elect a successor — goes on answering syncs, and the reads behind them return
/// values the new leader's clients have long overwritten (our fault runs catch Apache ZooKeeper 3.8 doing this).
/// Here a sync is answered only once a quorum of followers has answered a PING sent after the sync arrived: the
/// leader then still led when the sync came (Raft's ReadIndex, §6.4 of Ongaro's thesis). Followers of every kind
/// already echo each PING at once and in order (Learner.ping), so this needs nothing new on the wire and works with
/// Apache followers; it costs a sync one round trip to the nearest quorum, and syncs that arrive together share one.
/// <para>Every PING the leader sends belongs to a numbered round; a learner's echo confirms the oldest round it has
/// not echoed (TCP keeps them in order); a round is confirmed once a quorum (the leader included) has echoed it or a
/// later one.</para>
/// </summary>
public sealed partial class ZabPeer
{
    private long _lastRound;
    private long _confirmedRound;
    private long _wantedRound;

    /// <summary>
    /// For the leader's own clients' syncs: the round whose confirmation answers a sync arriving now (a
    /// <see cref="LeadershipConfirmed"/> event with that round or a later one says so). It starts the round at once
    /// when none is in flight; otherwise the next round goes when the one in flight is confirmed.
    /// </summary>
    public long RequestLeadershipConfirmation()
    {
        if (State != ServerState.Leading || Phase != ZabPhase.Broadcast)
        {
            return long.MaxValue; // never confirmed: a peer that is not leading answers no sync
        }

        if (!_config.LinearizableSync)
        {
            return 0; // ZooKeeper's sync: answered from this leader's state, confirmed by nothing
        }

        long round = _lastRound + 1;
        _wantedRound = Math.Max(_wantedRound, round);
        if (_confirmedRound >= _lastRound)
        {
            SendPingRound();
        }

        return round;
    }

    private void ResetConfirmation()
    {
        _lastRound = 0;
        _confirmedRound = 0;
        _wantedRound = 0;
    }

    /// <summary>One PING to every learner in broadcast, numbered as the next round (Leader.lead's ping loop goes
    /// through here too: every PING is a round).</summary>
    private void SendPingRound()
    {
        long round = ++_lastRound;
        foreach (var handler in _learners.Values)
        {
            if (handler.Phase == LearnerPhase.Broadcast)
            {
                Send(handler.Sid, new Ping(_lastProposed, []));
                handler.PingRounds.Enqueue(round);
            }
        }

        // Alone in the ensemble (or with only observers), the leader is its own quorum.
        TryConfirmRounds();
    }

    /// <summary>A learner echoed a PING: the oldest round it had not echoed yet.</summary>
    private void OnPingEcho(LearnerHandler handler)
    {
        if (handler.PingRounds.TryDequeue(out long round))
        {
            handler.EchoedRound = round;
            TryConfirmRounds();
        }
    }

    private void TryConfirmRounds()
    {
        if (_confirmedRound >= _lastRound)
        {
            return;
        }

        // The highest round a quorum has echoed: try from the newest down to the first unconfirmed.
        var echoed = new List<long>(_learners.Count + 1) { Id };
        for (long round = _lastRound; round > _confirmedRound; round--)
        {
            echoed.RemoveRange(1, echoed.Count - 1);
            foreach (var handler in _learners.Values)
            {
                if (!handler.IsObserver && handler.Phase == LearnerPhase.Broadcast && handler.EchoedRound >= round)
                {
                    echoed.Add(handler.Sid);
                }
            }

            if (_ensemble.ContainsQuorum(echoed))
            {
                ConfirmThrough(round);
                return;
            }
        }
    }

    private void ConfirmThrough(long round)
    {
        _confirmedRound = round;
        Emit(new LeadershipConfirmed(round));
        foreach (var handler in _learners.Values)
        {
            FlushHeld(handler);
        }

        if (_wantedRound > _confirmedRound && _confirmedRound >= _lastRound)
        {
            SendPingRound();
        }
    }

    /// <summary>A learner's SYNC, sent once <paramref name="round"/> is confirmed. Until then the COMMITs and INFORMs
    /// that follow it wait behind it: the learner must get them in the order of what it forwarded.</summary>
    private void SendSyncWhenConfirmed(LearnerHandler handler, long round)
    {
        if (handler.Held.Count == 0 && round <= _confirmedRound)
        {
            Send(handler.Sid, new Sync());
            return;
        }

        handler.Held.Enqueue((new Sync(), round));
    }

    /// <summary>A COMMIT or INFORM, behind any SYNC still waiting for its round.</summary>
    private void SendInOrder(LearnerHandler handler, ZabMessage message)
    {
        if (handler.Held.Count == 0)
        {
            Send(handler.Sid, message);
            return;
        }

        handler.Held.Enqueue((message, 0));
    }

    private void FlushHeld(LearnerHandler handler)
    {
        while (handler.Held.TryPeek(out var held) && held.Round <= _confirmedRound)
        {
            handler.Held.Dequeue();
            Send(handler.Sid, held.Message);
        }
    }
}
