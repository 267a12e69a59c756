namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>
/// A seeded ensemble of <see cref="ZabPeer"/>s over a faulty network with crashing servers and lagging disks, and
/// clients writing and reading through them. After every step it checks ZAB's guarantees; at the end, after the
/// network has healed, it checks that everything converged. Deterministic: a seed replays exactly.
/// </summary>
internal sealed partial class Simulation
{
    private readonly SimOptions _options;
    private readonly Random _rng;

    /// <summary>Pauses draw from their own stream, so that adding them left every other fault of a seed in place.</summary>
    private readonly Random _pauseRng;
    private readonly SimNode[] _nodes;
    private readonly List<SimClient> _clients = [];
    private readonly Ensemble _ensemble;
    private long _now;
    private long _nextWriteId;

    public Simulation(SimOptions options)
    {
        _options = options;
        _rng = new Random(options.Seed);
        _pauseRng = new Random(unchecked(options.Seed * 31 + 0x5eed));
        _nodes = new SimNode[options.Members + 1];
        var voters = Enumerable.Range(1, options.Voters).Select(i => (long)i).ToArray();
        var observers = Enumerable.Range(options.Voters + 1, options.Observers).Select(i => (long)i).ToArray();
        _ensemble = new Ensemble(voters, observers);
        _nodes[0] = null!;
        for (int i = 1; i <= options.Members; i++)
        {
            _nodes[i] = new SimNode(i, i > options.Voters);
        }

        for (int c = 0; c < options.Clients; c++)
        {
            _clients.Add(new SimClient(c));
        }

        InitNetwork();
    }

    /// <summary>Statistics of a finished run.</summary>
    public long Steps { get; private set; }

    public int CommittedCount => _committed.Count;

    public int AckedCount => _ackedWrites.Count;

    public int Elections { get; private set; }

    /// <summary>How often interesting things happened (sync modes, crashes, step-downs...), for coverage.</summary>
    public Dictionary<string, int> Counters { get; } = [];

    private void Count(string what) => Counters[what] = Counters.GetValueOrDefault(what) + 1;

    public static long WriteIdOf(Txn txn) => BitConverter.ToInt64(txn.Data.Span);

    public void Run()
    {
        try
        {
            for (int i = 1; i <= _options.Members; i++)
            {
                Start(_nodes[i]);
            }

            int end = _options.FaultTicks + _options.HealTicks;
            for (_now = 1; _now <= end; _now++)
            {
                if (_now <= _options.FaultTicks)
                {
                    InjectFaults();
                }
                else if (_now == _options.FaultTicks + 1)
                {
                    HealEverything();
                }

                CompleteFsyncs();
                TickPeers();
                if (_now <= end - _options.QuietTicks)
                {
                    RunClients(allowWrites: true);
                }
                else
                {
                    RunClients(allowWrites: false);
                }

                DeliverDue();
                RunLeaderHosts();
                CrashWhereDue();
            }

            CheckConverged();
        }
        catch (SimulationFailure)
        {
            throw;
        }
        catch (Exception e)
        {
            Fail($"{e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }

    // ---- servers -------------------------------------------------------------------------------------------

    private void Start(SimNode node)
    {
        var durable = new DurableState(node.Epochs, node.SnapshotZxid, node.LogBase, node.Log.ToArray());
        var random = new Random(unchecked((_options.Seed * 1_000_003) + ((int)node.Id * 7919) + node.Incarnation));
        node.Peer = new ZabPeer(node.Id, _ensemble, durable, _options.Zab, random);
        node.Applied = [.. node.SnapshotContent];
        node.RestartAt = -1;
        node.PausedUntil = -1;
        Trace("start", node.Id, 0, null);
        Process(node);
    }

    /// <summary>kill -9: the un-fsynced tail of the log and everything in memory are gone; the peers are not told
    /// (half the time the OS resets the connections, otherwise they find out by timeouts).</summary>
    private void Crash(SimNode node)
    {
        Trace("crash", node.Id, 0, null);
        Count("crash");
        node.Peer = null;
        node.CrashSoon = false;
        node.Incarnation++;
        node.Log.RemoveRange(node.DurableCount, node.Log.Count - node.DurableCount);
        node.PendingFsync.Clear();
        node.PendingWrites.Clear();
        node.PendingSyncs.Clear();
        node.ForwardedWrites.Clear();
        node.HostWork.Clear();
        node.Applied = [];
        node.SlowDiskUntil = -1;
        DetachClients(node);
        bool reset = _rng.Next(2) == 0;
        for (int j = 1; j <= _options.Members; j++)
        {
            if (j == node.Id)
            {
                continue;
            }

            _links[node.Id, j].Queue.Clear();
            _links[j, node.Id].Queue.Clear();
            _view[node.Id, j] = ++_nextGeneration;
            if (reset)
            {
                EnqueueQuorum(node.Id, j, new Envelope { IsFin = true, Tag = _view[node.Id, j] });
            }
        }

        node.RestartAt = _now + _rng.Next(5, 80);
    }

    private void CrashWhereDue()
    {
        for (int i = 1; i <= _options.Members; i++)
        {
            if (_nodes[i].CrashSoon)
            {
                _nodes[i].CrashSoon = false;
                if (_nodes[i].IsAlive)
                {
                    Crash(_nodes[i]);
                }
            }
        }
    }

    private void InjectFaults()
    {
        if (_partitionUntil >= 0 && _now >= _partitionUntil)
        {
            Heal();
        }
        else if (_partitionUntil < 0 && _rng.NextDouble() < _options.PartitionRate)
        {
            StartPartition();
        }

        for (int i = 1; i <= _options.Members; i++)
        {
            var node = _nodes[i];
            if (!node.IsAlive && node.RestartAt >= 0 && _now >= node.RestartAt)
            {
                Start(node);
            }
        }

        if (_rng.NextDouble() < _options.CrashRate)
        {
            var node = _nodes[_rng.Next(1, _options.Members + 1)];
            if (node.IsAlive)
            {
                Crash(node);
            }
        }

        if (_rng.NextDouble() < _options.ResetRate)
        {
            long a = _rng.Next(1, _options.Members + 1), b = _rng.Next(1, _options.Members + 1);
            if (a != b)
            {
                ResetConnection(a, b);
            }
        }

        if (_pauseRng.NextDouble() < _options.PauseRate)
        {
            var node = _nodes[_pauseRng.Next(1, _options.Members + 1)];
            if (node.IsAlive && node.PausedUntil < _now)
            {
                // Long enough for the others to give up on it and elect without it (syncLimit and then some).
                node.PausedUntil = _now + _pauseRng.Next(_options.Zab.SyncLimit, 3 * _options.Zab.SyncLimit);
                Trace("pause", node.Id, 0, null);
                Count("pause");
            }
        }

        if (_rng.NextDouble() < _options.SlowDiskRate)
        {
            var node = _nodes[_rng.Next(1, _options.Members + 1)];
            node.SlowDiskUntil = _now + _rng.Next(20, 80);
            Trace("slow disk", node.Id, 0, null);
            Count("slow disk");
        }

        for (int i = 1; i <= _options.Members; i++)
        {
            if (_nodes[i].IsAlive && _rng.NextDouble() < _options.SnapshotRate)
            {
                TakeSnapshot(_nodes[i]);
            }
        }
    }

    private void HealEverything()
    {
        Heal();
        for (int i = 1; i <= _options.Members; i++)
        {
            _nodes[i].SlowDiskUntil = -1;
            if (!_nodes[i].IsAlive)
            {
                Start(_nodes[i]);
            }
        }
    }

    /// <summary>The host snapshots its state machine (it only holds applied, hence committed, transactions).</summary>
    private static void TakeSnapshot(SimNode node)
    {
        if (node.Applied.Count > 0)
        {
            node.SnapshotZxid = node.AppliedZxid;
            node.SnapshotContent = [.. node.Applied];
        }
    }

    private bool Paused(SimNode node) => node.PausedUntil >= _now;

    private void CompleteFsyncs()
    {
        for (int i = 1; i <= _options.Members; i++)
        {
            var node = _nodes[i];
            if (node.Peer is not { } peer || Paused(node))
            {
                continue;
            }

            long seq = -1;
            while (node.PendingFsync.Count > 0 && node.PendingFsync.Peek().CompleteAt <= _now)
            {
                var done = node.PendingFsync.Dequeue();
                node.MarkDurable(done.CountAfter);
                seq = done.Seq;
            }

            if (seq >= 0)
            {
                peer.LogPersisted(seq);
                Process(node);
            }
        }
    }

    private long FsyncDelay(SimNode node) =>
        node.SlowDiskUntil >= _now ? _rng.Next(8, 26) : _rng.Next(0, 3);

    private void TickPeers()
    {
        foreach (int i in Enumerable.Range(1, _options.Members).OrderBy(_ => _rng.Next()))
        {
            var node = _nodes[i];
            if (node.Peer is { } peer && !Paused(node))
            {
                peer.Tick();
                Process(node);
            }
        }
    }

    // ---- the host: carrying out a Ready in the documented order ---------------------------------------------

    /// <summary>The end of each leader host's batch: the writes it was handed are proposed, and the syncs behind
    /// them answered, in order (EnsembleMember.AfterBatch).</summary>
    private void RunLeaderHosts()
    {
        for (int i = 1; i <= _options.Members; i++)
        {
            var node = _nodes[i];
            if (Paused(node))
            {
                continue;
            }

            if (_options.AnswerSyncsAfterTheBatchsWrites && node.HostWork.Count > 1)
            {
                var work = node.HostWork.ToList();
                node.HostWork.Clear();
                foreach (var item in work.Where(w => w is ReadOnlyMemory<byte>).Concat(work.Where(w => w is long)))
                {
                    node.HostWork.Enqueue(item);
                }
            }

            while (node.HostWork.Count > 0 && node.Peer is { } peer)
            {
                switch (node.HostWork.Dequeue())
                {
                    case ReadOnlyMemory<byte> body:
                        peer.TryPropose(body, default, out _);
                        break;
                    case long learner:
                        peer.AnswerSync(learner);
                        break;
                    case var other:
                        throw new InvalidOperationException($"unknown host work {other}");
                }

                Process(node);
            }
        }
    }

    private void Process(SimNode node)
    {
        while (node.Peer is { HasReady: true } peer)
        {
            Steps++;
            var ready = peer.TakeReady();
            if (ready.Epochs is { } epochs)
            {
                node.Epochs = epochs;
            }

            if ((ready.Epochs is not null || ready.Log.Count > 0) && _now <= _options.FaultTicks
                && _rng.NextDouble() < _options.CrashAfterWriteRate)
            {
                node.CrashSoon = true;
            }

            foreach (var op in ready.Log)
            {
                ApplyLogOp(node, op);
            }

            foreach (var item in ready.Committed)
            {
                switch (item)
                {
                    case TxnCommitted c:
                        ApplyCommitted(node, c.Txn);
                        break;
                    case SyncCompleted s:
                        CompleteSync(node, s);
                        break;
                }
            }

            foreach (var message in ready.Messages)
            {
                Route(node, message is Snap snap ? FillSnapshot(node, snap) : message);
            }

            foreach (var e in ready.Events)
            {
                HandleEvent(node, peer, e);
            }

            foreach (var t in ready.Telemetry)
            {
                switch (t)
                {
                    case ProtocolViolation v:
                        Fail($"node {node.Id}: protocol violation from {v.Peer}: {v.Reason}");
                        break;
                    case ElectionFinished:
                        Elections++;
                        break;
                    case LearnerSyncStarted sync:
                        Count("sync " + sync.Mode);
                        break;
                    case SteppedDown:
                        Count("step-down");
                        break;
                }

                Trace("telemetry", node.Id, 0, t);
            }

            CheckAfterStep(node);
        }
    }

    private void ApplyLogOp(SimNode node, LogOp op)
    {
        switch (op)
        {
            case AppendTxn append:
                node.Log.Add(append.Txn);
                long at = Math.Max(node.LastFsyncAt, _now + FsyncDelay(node));
                node.LastFsyncAt = at;
                node.PendingFsync.Enqueue((append.Sequence, node.Log.Count, at));
                break;
            case TruncateLog trunc:
                if (trunc.Zxid < node.AppliedZxid)
                {
                    Fail($"node {node.Id} truncates to {Zxid.ToHex(trunc.Zxid)} below applied {Zxid.ToHex(node.AppliedZxid)}");
                }

                // Durable together with everything before it.
                node.MarkDurable(node.Log.Count);
                node.PendingFsync.Clear();
                int keep = node.Log.FindIndex(t => t.Zxid > trunc.Zxid);
                if (keep >= 0)
                {
                    foreach (var dropped in node.Log.Skip(keep))
                    {
                        node.DurableWrites.Remove(dropped.Zxid);
                    }

                    node.Log.RemoveRange(keep, node.Log.Count - keep);
                }

                node.DurableCount = node.Log.Count;
                Trace("truncate", node.Id, 0, trunc);
                Count(keep >= 0 ? "truncated entries" : "truncate (nothing to drop)");
                break;
            case InstallSnapshot install:
                var content = DecodeSnapshot(install.Snapshot);
                // It may be older than this server's state (the leader restarted from an old snapshot); the server
                // does not serve until UPTODATE, and the client attach rule keeps sessions from seeing it go back.
                CheckPrefix(node, content, "installed snapshot");
                node.Applied = content;
                node.SnapshotZxid = install.Zxid;
                node.SnapshotContent = [.. content];
                node.Log.Clear();
                node.LogBase = install.Zxid;
                node.DurableCount = 0;
                node.DurableWrites.Clear();
                node.PendingFsync.Clear();
                Trace("snapshot", node.Id, 0, install);
                Count("snapshot installed");
                break;
        }
    }

    private Snap FillSnapshot(SimNode node, Snap snap)
    {
        // Ready order: this Ready's commits are applied before its messages leave, so the state machine is at
        // least as new as the zxid the core put in the packet.
        if (node.AppliedZxid < snap.Zxid)
        {
            Fail($"node {node.Id}: SNAP of {Zxid.ToHex(snap.Zxid)} but the state machine is at {Zxid.ToHex(node.AppliedZxid)}");
        }

        var bytes = new byte[node.Applied.Count * 16];
        for (int i = 0; i < node.Applied.Count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 16), node.Applied[i].Zxid);
            BitConverter.TryWriteBytes(bytes.AsSpan((i * 16) + 8), node.Applied[i].WriteId);
        }

        return snap with { Zxid = node.AppliedZxid, Snapshot = bytes };
    }

    private static List<Applied> DecodeSnapshot(ReadOnlyMemory<byte> bytes)
    {
        var list = new List<Applied>(bytes.Length / 16);
        for (int i = 0; i + 16 <= bytes.Length; i += 16)
        {
            list.Add(new Applied(BitConverter.ToInt64(bytes.Span[i..]), BitConverter.ToInt64(bytes.Span[(i + 8)..])));
        }

        return list;
    }

    private void HandleEvent(SimNode node, ZabPeer peer, ZabEvent e)
    {
        switch (e)
        {
            case RoleChanged changed:
                Trace("role", node.Id, changed.LeaderId ?? 0, changed);
                if (changed.Phase != ZabPhase.Broadcast)
                {
                    // Leaving service: ZooKeeper drops its clients; whatever they were waiting for is ConnectionLoss.
                    node.PendingWrites.Clear();
                    node.PendingSyncs.Clear();
                    node.LeaderSyncs.Clear();
                    node.ForwardedWrites.Clear();
                    node.HostWork.Clear();
                    DetachClients(node);
                }

                break;
            case RequestReceived request:
                // The leader's host prepares the forwarded write (here: the write id is the transaction) and proposes
                // it at the end of its batch (RunLeaderHosts).
                node.HostWork.Enqueue(request.Request.Body);
                break;
            case SyncRequested sync when _options.AnswerSyncsBeforeProposing:
                peer.AnswerSync(sync.LearnerId);
                break;
            case SyncRequested sync:
                // Answered in order behind the writes handed over before it.
                node.HostWork.Enqueue(sync.LearnerId);
                break;
            case LeadershipConfirmed confirmed:
                CompleteLeaderSyncs(node, confirmed.Round);
                break;
            case RevalidateRequested revalidate:
                peer.AnswerRevalidate(revalidate.LearnerId, revalidate.SessionId, valid: true);
                break;
        }
    }
}
