namespace CoordAspire.Zab.Tests.Simulation;

/// <summary>
/// The simulated network. The election port loses, repeats and reorders notifications. The quorum port is TCP:
/// per connection FIFO and lossless; faults break connections instead (reset, crash, one side closing), and a
/// partition holds packets until it heals (TCP retransmits) — by then one side has usually given up and closed.
/// Each end keeps a connection generation per peer: packets of an older connection are discarded, a FIN or a packet
/// of a newer connection tells the receiver that the old one is gone.
/// </summary>
internal sealed partial class Simulation
{
    private sealed class Envelope
    {
        public ZabMessage? Message { get; init; }

        public long Tag { get; init; }

        public long ReadyAt { get; init; }

        public bool IsFin { get; init; }
    }

    private sealed class Link
    {
        public Queue<Envelope> Queue { get; } = new();

        public long LastReadyAt { get; set; }
    }

    private Link[,] _links = null!;
    private long[,] _view = null!;
    private long _nextGeneration;
    private readonly PriorityQueue<Notification, (long ReadyAt, long Seq)> _election = new();
    private long _electionSeq;
    private int[] _group = null!;
    private long _partitionUntil = -1;
    private readonly List<int> _readyLinks = [];

    private void InitNetwork()
    {
        int n = _options.Members + 1;
        _links = new Link[n, n];
        _view = new long[n, n];
        for (int a = 1; a < n; a++)
        {
            for (int b = 1; b < n; b++)
            {
                _links[a, b] = new Link();
            }
        }

        _group = new int[n];
    }

    private bool Partitioned(long a, long b) => _group[a] != _group[b];

    private int Delay() => _rng.Next(_options.MinDelay, _options.MaxDelay + 1);

    private void Route(SimNode from, ZabMessage message)
    {
        long a = from.Id, b = message.To;
        switch (message)
        {
            case Notification n:
                if (_rng.NextDouble() < _options.ElectionDrop)
                {
                    Trace("drop", a, b, n);
                    return;
                }

                _election.Enqueue(n, (_now + Delay() + _rng.Next(3), _electionSeq++));
                if (_rng.NextDouble() < _options.ElectionDuplicate)
                {
                    _election.Enqueue(n, (_now + Delay() + _rng.Next(6), _electionSeq++));
                }

                break;
            case CloseConnection:
                Trace("close", a, b, null);
                _view[a, b] = ++_nextGeneration;
                EnqueueQuorum(a, b, new Envelope { IsFin = true, Tag = _view[a, b] });
                break;
            default:
                EnqueueQuorum(a, b, new Envelope { Message = message, Tag = _view[a, b] });
                break;
        }
    }

    private void EnqueueQuorum(long a, long b, Envelope envelope)
    {
        var link = _links[a, b];
        long readyAt = Math.Max(_now + Delay(), link.LastReadyAt);
        link.LastReadyAt = readyAt;
        link.Queue.Enqueue(new Envelope { Message = envelope.Message, Tag = envelope.Tag, IsFin = envelope.IsFin, ReadyAt = readyAt });
    }

    /// <summary>A TCP reset between two servers: in-flight data is lost and both ends learn at once.</summary>
    private void ResetConnection(long a, long b)
    {
        _links[a, b].Queue.Clear();
        _links[b, a].Queue.Clear();
        long gen = ++_nextGeneration;
        _view[a, b] = gen;
        _view[b, a] = gen;
        Trace("reset", a, b, null);
        foreach (var (x, y) in new[] { (a, b), (b, a) })
        {
            var node = _nodes[x];
            if (node.Peer is { } peer)
            {
                peer.ConnectionLost(y);
                Process(node);
            }
        }
    }

    /// <summary>Delivers everything due this tick: election notifications in random order, and the heads of the
    /// quorum links (FIFO per link, random across links) until nothing due is left.</summary>
    private void DeliverDue()
    {
        var due = new List<Notification>();
        while (_election.TryPeek(out _, out var key) && key.ReadyAt <= _now)
        {
            due.Add(_election.Dequeue());
        }

        Shuffle(due);
        foreach (var n in due)
        {
            var node = _nodes[n.To];
            if (node.Peer is { } peer && !Partitioned(n.From, n.To) && !Paused(node))
            {
                Trace("deliver", n.From, n.To, n);
                peer.Step(n);
                Process(node);
            }
        }

        int members = _options.Members;
        while (true)
        {
            _readyLinks.Clear();
            for (int a = 1; a <= members; a++)
            {
                for (int b = 1; b <= members; b++)
                {
                    var q = _links[a, b].Queue;
                    if (q.Count > 0 && q.Peek().ReadyAt <= _now && !Partitioned(a, b) && !Paused(_nodes[b]))
                    {
                        _readyLinks.Add((a * 64) + b);
                    }
                }
            }

            if (_readyLinks.Count == 0)
            {
                return;
            }

            int pick = _readyLinks[_rng.Next(_readyLinks.Count)];
            DeliverQuorum(pick / 64, pick % 64);
        }
    }

    private void DeliverQuorum(int a, int b)
    {
        var envelope = _links[a, b].Queue.Dequeue();
        var node = _nodes[b];
        if (node.Peer is not { } peer)
        {
            return;
        }

        if (envelope.IsFin)
        {
            if (envelope.Tag > _view[b, a])
            {
                _view[b, a] = envelope.Tag;
                Trace("fin", a, b, null);
                peer.ConnectionLost(a);
                Process(node);
            }

            return;
        }

        if (envelope.Tag < _view[b, a])
        {
            return; // a packet of a connection this end already closed
        }

        if (envelope.Tag > _view[b, a])
        {
            // A new connection from a: whatever this end still had is gone.
            _view[b, a] = envelope.Tag;
            peer.ConnectionLost(a);
            Process(node);
            if (node.Peer is null)
            {
                return;
            }
        }

        Trace("deliver", a, b, envelope.Message);
        peer.Step(envelope.Message!);
        Process(node);
    }

    private void StartPartition()
    {
        int members = _options.Members;
        if (_rng.Next(2) == 0)
        {
            int isolated = _rng.Next(1, members + 1);
            for (int i = 1; i <= members; i++)
            {
                _group[i] = i == isolated ? 1 : 0;
            }
        }
        else
        {
            for (int i = 1; i <= members; i++)
            {
                _group[i] = _rng.Next(2);
            }
        }

        _partitionUntil = _now + _rng.Next(10, 120);
        Count("partition");
        Trace("partition " + string.Join(",", _group.Skip(1)), 0, 0, null);
    }

    private void Heal()
    {
        Array.Clear(_group);
        _partitionUntil = -1;
        Trace("heal", 0, 0, null);
    }

    private void Shuffle<T>(List<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
