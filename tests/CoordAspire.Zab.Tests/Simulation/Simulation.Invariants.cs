namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>
/// The guarantees checked after every step:
/// <list type="bullet">
/// <item>at most one leader per epoch, and every serving learner follows that one;</item>
/// <item>every server's applied transactions are a prefix of one global sequence (same zxid, same txn);</item>
/// <item>whatever any server applied is on the disks of a quorum of participants (so no crash loses it), and a
/// truncation never removes an applied transaction;</item>
/// <item>a session's reads never go back in time (and see its own acknowledged writes);</item>
/// <item>a completed sync sees everything its leader had committed when it was issued;</item>
/// </list>
/// and at the end, once the network has healed: every server applied every committed (so every acknowledged) write.
/// </summary>
internal sealed partial class Simulation
{
    private readonly List<Applied> _committed = [];
    private readonly Dictionary<long, long> _leaderOfEpoch = [];
    private readonly HashSet<long> _ackedWrites = [];
    private (long Tick, string What, long A, long B, object? Detail)[]? _trace;
    private long _traceCount;

    private void Trace(string what, long a, long b, object? detail)
    {
        _trace ??= new (long, string, long, long, object?)[_options.TraceSize];
        _trace[_traceCount++ % _trace.Length] = (_now, what, a, b, detail);
    }

    private void Fail(string what)
    {
        var lines = new List<string> { $"{_options} failed at tick {_now}: {what}", "servers:" };
        for (int i = 1; i <= _options.Members; i++)
        {
            lines.Add("  " + _nodes[i]);
        }

        lines.Add($"committed: {_committed.Count} transactions, last {(_committed.Count > 0 ? Zxid.ToHex(_committed[^1].Zxid) : "-")}");
        lines.Add("last events:");
        _trace ??= new (long, string, long, long, object?)[_options.TraceSize];
        long first = Math.Max(0, _traceCount - _trace.Length);
        for (long i = first; i < _traceCount; i++)
        {
            var (tick, kind, a, b, detail) = _trace[i % _trace.Length];
            lines.Add($"  [{tick}] {kind} {a}->{b} {detail}");
        }

        throw new SimulationFailure(string.Join('\n', lines));
    }

    private void ApplyCommitted(SimNode node, Txn txn)
    {
        var entry = new Applied(txn.Zxid, WriteIdOf(txn));
        int index = node.Applied.Count;
        if (index > 0 && node.Applied[^1].Zxid >= entry.Zxid)
        {
            Fail($"node {node.Id} applies {Zxid.ToHex(entry.Zxid)} after {Zxid.ToHex(node.Applied[^1].Zxid)}");
        }

        if (index < _committed.Count)
        {
            if (_committed[index] != entry)
            {
                Fail($"node {node.Id} applies {Zxid.ToHex(entry.Zxid)} (write {entry.WriteId}) at position {index}, "
                    + $"where others applied {Zxid.ToHex(_committed[index].Zxid)} (write {_committed[index].WriteId})");
            }
        }
        else
        {
            _committed.Add(entry);
        }

        node.Applied.Add(entry);
        if (node.ForwardedWrites.Remove(entry.WriteId, out long forwardSeq))
        {
            foreach (var ((session, cxid), sync) in node.PendingSyncs)
            {
                if (sync.ForwardSeq < forwardSeq)
                {
                    Fail($"node {node.Id}: write {entry.WriteId}, forwarded after session 0x{session:x}'s sync {cxid}, committed "
                        + "before that sync was answered (a ZooKeeper follower would answer the wrong request)");
                }
            }
        }

        if (node.PendingWrites.Remove(entry.WriteId, out var client))
        {
            // The client gets its answer: from now on it must never see an older state, nor lose this write.
            _ackedWrites.Add(entry.WriteId);
            client.LastSeen = Math.Max(client.LastSeen, entry.Zxid);
        }
    }

    private void CheckPrefix(SimNode node, List<Applied> content, string what)
    {
        for (int i = 0; i < content.Count; i++)
        {
            if (i >= _committed.Count || _committed[i] != content[i])
            {
                Fail($"node {node.Id}: {what} differs from the committed sequence at position {i}");
            }
        }
    }

    private void CheckAfterStep(SimNode node)
    {
        if (node.Peer is not { } peer)
        {
            return;
        }

        if (peer.State == ServerState.Leading && peer.Phase != ZabPhase.Discovery)
        {
            if (_leaderOfEpoch.TryGetValue(peer.Epoch, out long other) && other != node.Id)
            {
                Fail($"two leaders of epoch {peer.Epoch}: {other} and {node.Id}");
            }

            _leaderOfEpoch[peer.Epoch] = node.Id;
        }
        else if (peer.State is ServerState.Following or ServerState.Observing && peer.Phase == ZabPhase.Broadcast)
        {
            if (!_leaderOfEpoch.TryGetValue(peer.Epoch, out long leader) || leader != peer.LeaderId)
            {
                Fail($"node {node.Id} serves epoch {peer.Epoch} under {peer.LeaderId}, but that epoch's leader is "
                    + (_leaderOfEpoch.TryGetValue(peer.Epoch, out long l) ? l.ToString() : "nobody"));
            }
        }

        if (_committed.Count > 0)
        {
            var last = _committed[^1];
            int holders = 0;
            foreach (long voter in _ensemble.Voters)
            {
                if (_nodes[voter].HoldsDurably(last.Zxid, last.WriteId))
                {
                    holders++;
                }
            }

            if (2 * holders <= _options.Voters)
            {
                Fail($"committed {Zxid.ToHex(last.Zxid)} is durable on only {holders} of {_options.Voters} participants");
            }
        }
    }

    private void CompleteSync(SimNode node, SyncCompleted sync)
    {
        if (!node.PendingSyncs.Remove((sync.SessionId, sync.Cxid), out var issued))
        {
            return;
        }

        if (node.AppliedZxid < issued.CommittedAnywhere)
        {
            Fail($"node {node.Id}: sync completed at {Zxid.ToHex(node.AppliedZxid)}, but {Zxid.ToHex(issued.CommittedAnywhere)} "
                + "was committed when it was issued (a leader deposed without knowing it answered the sync)");
        }

        // Per-session order: a sync is answered after the writes its session sent before it (ZooKeeper's follower
        // would otherwise send the sync's reply ahead of theirs).
        foreach (long write in issued.WritesBefore)
        {
            if (node.PendingWrites.ContainsKey(write))
            {
                Fail($"node {node.Id}: session 0x{sync.SessionId:x}'s sync completed before its earlier write {write}");
            }
        }
    }

    private void CheckConverged()
    {
        for (int i = 1; i <= _options.Members; i++)
        {
            var node = _nodes[i];
            if (!node.IsServing)
            {
                Fail($"node {node.Id} is not serving after the network healed");
            }

            if (node.Applied.Count != _committed.Count)
            {
                Fail($"node {node.Id} applied {node.Applied.Count} of {_committed.Count} committed transactions after the network healed");
            }
        }

        var index = new HashSet<long>(_committed.Select(c => c.WriteId));
        foreach (long write in _ackedWrites)
        {
            if (!index.Contains(write))
            {
                Fail($"acknowledged write {write} is not in the committed sequence");
            }
        }

        foreach (var entry in _committed)
        {
            int holders = _ensemble.Voters.Count(v => _nodes[v].HoldsDurably(entry.Zxid, entry.WriteId));
            if (2 * holders <= _options.Voters)
            {
                Fail($"committed {Zxid.ToHex(entry.Zxid)} is durable on only {holders} participants at the end");
            }
        }
    }

    // ---- clients -------------------------------------------------------------------------------------------

    private void DetachClients(SimNode node)
    {
        foreach (var client in _clients)
        {
            if (client.Attached == node)
            {
                client.Attached = null;
            }
        }
    }

    private void RunClients(bool allowWrites)
    {
        foreach (var client in _clients)
        {
            var node = client.Attached;
            if (node is null || !node.IsServing)
            {
                client.Attached = null;
                TryAttach(client);
                continue;
            }

            if (Paused(node))
            {
                continue; // its requests sit in the paused server's socket
            }

            var peer = node.Peer!;
            if (peer.LeaderId is { } leader)
            {
                client.BelievedLeader = leader;
            }

            if (_rng.NextDouble() < _options.ReadRate)
            {
                // A read is served from the attached server's state machine.
                if (node.AppliedZxid < client.LastSeen)
                {
                    Fail($"client {client.Id} read {Zxid.ToHex(node.AppliedZxid)} at node {node.Id} after having seen {Zxid.ToHex(client.LastSeen)}");
                }

                client.LastSeen = node.AppliedZxid;
                peer.TouchSession(client.SessionId, 30_000);
            }

            if (allowWrites && _rng.NextDouble() < _options.WriteRate)
            {
                Write(client, node, peer);
            }
            else if (_rng.NextDouble() < _options.SyncRate)
            {
                if (peer.State == ServerState.Leading)
                {
                    IssueLeaderSync(node, peer);
                }
                else
                {
                    IssueSync(client, node, peer);
                }
            }

            Process(node);
        }
    }

    private void TryAttach(SimClient client)
    {
        long target = _rng.Next(2) == 0 ? client.BelievedLeader : _rng.Next(1, _options.Members + 1);
        var node = _nodes[target];

        // ZooKeeper refuses a session whose client has seen a newer zxid than the server has.
        if (node.IsServing && node.AppliedZxid >= client.LastSeen && !Paused(node))
        {
            client.Attached = node;
            if (node.Peer!.State != ServerState.Leading)
            {
                node.Peer.Revalidate(client.SessionId, 30_000);
                Process(node);
            }
        }
    }

    private void Write(SimClient client, SimNode node, ZabPeer peer)
    {
        long writeId = ++_nextWriteId;
        var data = BitConverter.GetBytes(writeId);
        bool accepted = peer.State == ServerState.Leading
            ? peer.TryPropose(data, default, out _)
            : peer.Forward(new Request(client.SessionId, ++client.Cxid, 1, data));
        if (accepted)
        {
            node.PendingWrites[writeId] = client;
            if (peer.State != ServerState.Leading)
            {
                node.ForwardedWrites[writeId] = ++node.ForwardSeq;
            }
        }
    }

    /// <summary>The latest write committed by any peer now: a client may already have seen it acknowledged, so a
    /// sync issued now must see it (linearizability), whichever leader its server still follows.</summary>
    private long CommittedAnywhere()
    {
        long latest = 0;
        for (int i = 1; i <= _options.Members; i++)
        {
            if (_nodes[i].Peer is { } p && Zxid.CounterOf(p.LastCommittedZxid) > 0)
            {
                latest = Math.Max(latest, p.LastCommittedZxid);
            }
        }

        return latest;
    }

    /// <summary>A sync of one of the leader's own clients: answered once its ping round is confirmed (at once, round
    /// 0, with ZooKeeper's sync).</summary>
    private void IssueLeaderSync(SimNode node, ZabPeer peer)
    {
        long round = peer.RequestLeadershipConfirmation();
        node.LeaderSyncs.Add((round, CommittedAnywhere()));
        if (round == 0)
        {
            CompleteLeaderSyncs(node, 0);
        }
    }

    private void CompleteLeaderSyncs(SimNode node, long confirmedRound)
    {
        foreach (var (round, committed) in node.LeaderSyncs.Where(s => s.Round <= confirmedRound).ToList())
        {
            if (node.AppliedZxid < committed)
            {
                Fail($"leader {node.Id}: its client's sync completed at {Zxid.ToHex(node.AppliedZxid)}, but {Zxid.ToHex(committed)} "
                    + "was committed when it was issued (a leader deposed without knowing it answered the sync)");
            }
        }

        node.LeaderSyncs.RemoveAll(s => s.Round <= confirmedRound);
    }

    private void IssueSync(SimClient client, SimNode node, ZabPeer peer)
    {
        var leader = peer.LeaderId is { } id ? _nodes[id].Peer : null;
        if (leader is not { State: ServerState.Leading, IsServing: true } || leader.Epoch != peer.Epoch)
        {
            return;
        }

        int cxid = ++client.Cxid;
        if (peer.Forward(new Request(client.SessionId, cxid, Request.SyncOpCode, default)))
        {
            var writesBefore = node.PendingWrites.Where(w => w.Value == client).Select(w => w.Key).ToArray();
            node.PendingSyncs[(client.SessionId, cxid)] = (CommittedAnywhere(), writesBefore, ++node.ForwardSeq);
        }
    }
}
