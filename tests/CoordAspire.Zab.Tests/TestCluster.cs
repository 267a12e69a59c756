namespace CoordAspire.Zab.Tests;

/// <summary>
/// A scripted ensemble for scenario and table tests: messages are delivered in send order when the test says so,
/// with optional drops; fsyncs complete at once unless <see cref="AutoPersist"/> is off; every output is recorded.
/// </summary>
internal sealed class TestCluster
{
    private readonly Queue<ZabMessage> _inFlight = new();
    private readonly Dictionary<long, long> _lastLogSeq = [];

    public TestCluster(int voters, int observers = 0, Func<long, DurableState>? durable = null, ZabConfig? config = null, bool start = true)
    {
        Ensemble = new Ensemble(
            Enumerable.Range(1, voters).Select(i => (long)i),
            Enumerable.Range(voters + 1, observers).Select(i => (long)i));
        Config = config ?? new ZabConfig
        {
            InitLimit = 20, SyncLimit = 10, PingInterval = 2, FinalizeWait = 2,
            MinNotificationInterval = 4, MaxNotificationInterval = 32, ConnectRetryInterval = 2, CommittedLogWindow = 100,
        };
        Durable = durable ?? (_ => DurableState.Empty);
        if (start)
        {
            foreach (long id in Ensemble.All)
            {
                Start(id);
            }
        }
    }

    public Ensemble Ensemble { get; }

    public ZabConfig Config { get; }

    public Func<long, DurableState> Durable { get; }

    public Dictionary<long, ZabPeer> Peers { get; } = [];

    /// <summary>Everything each peer sent, applied, logged, reported.</summary>
    public Dictionary<long, List<ZabMessage>> Sent { get; } = [];

    public Dictionary<long, List<CommittedItem>> Applied { get; } = [];

    public Dictionary<long, List<LogOp>> Logged { get; } = [];

    public Dictionary<long, List<ZabEvent>> Events { get; } = [];

    public Dictionary<long, List<ZabTelemetry>> Telemetry { get; } = [];

    public bool AutoPersist { get; set; } = true;

    /// <summary>Messages for which this returns true are lost.</summary>
    public Func<ZabMessage, bool> Drop { get; set; } = _ => false;

    public HashSet<long> Down { get; } = [];

    public ZabPeer this[long id] => Peers[id];

    public void Start(long id)
    {
        Peers[id] = new ZabPeer(id, Ensemble, Durable(id), Config, new Random((int)id));
        Sent.TryAdd(id, []);
        Applied.TryAdd(id, []);
        Logged.TryAdd(id, []);
        Events.TryAdd(id, []);
        Telemetry.TryAdd(id, []);
        Collect(id);
    }

    public void Collect(long id)
    {
        var peer = Peers[id];
        while (peer.HasReady)
        {
            var ready = peer.TakeReady();
            Logged[id].AddRange(ready.Log);
            Applied[id].AddRange(ready.Committed);
            Events[id].AddRange(ready.Events);
            Telemetry[id].AddRange(ready.Telemetry);
            foreach (var message in ready.Messages)
            {
                var m = message is Snap snap ? snap with { Zxid = Math.Max(snap.Zxid, peer.LastAppliedZxid) } : message;
                Sent[id].Add(m);
                if (m is CloseConnection)
                {
                    if (!Down.Contains(m.To) && Peers.TryGetValue(m.To, out var other))
                    {
                        other.ConnectionLost(id);
                        Collect(m.To);
                    }
                }
                else if (!Drop(m))
                {
                    _inFlight.Enqueue(m);
                }
            }

            if (ready.Log.Count > 0)
            {
                _lastLogSeq[id] = ready.Log[^1].Sequence;
                if (AutoPersist)
                {
                    peer.LogPersisted(ready.Log[^1].Sequence);
                }
            }
        }
    }

    /// <summary>Completes every outstanding fsync of one peer.</summary>
    public void Persist(long id)
    {
        if (_lastLogSeq.TryGetValue(id, out long seq))
        {
            Peers[id].LogPersisted(seq);
            Collect(id);
        }
    }

    /// <summary>Delivers in-flight messages in order until none is left.</summary>
    public void Deliver(int max = 10_000)
    {
        while (_inFlight.Count > 0 && max-- > 0)
        {
            var m = _inFlight.Dequeue();
            if (!Peers.ContainsKey(m.To) || Down.Contains(m.To) || Down.Contains(m.From) || Drop(m))
            {
                continue;
            }

            Peers[m.To].Step(m);
            Collect(m.To);
        }
    }

    public void Tick(int ticks = 1)
    {
        for (int t = 0; t < ticks; t++)
        {
            foreach (var (id, peer) in Peers)
            {
                if (!Down.Contains(id))
                {
                    peer.Tick();
                    Collect(id);
                }
            }

            Deliver();
        }
    }

    /// <summary>Ticks until one peer leads in broadcast and every other live peer serves under it.</summary>
    public ZabPeer Stabilize(int maxTicks = 500)
    {
        for (int t = 0; t < maxTicks; t++)
        {
            Deliver();
            var live = Peers.Where(p => !Down.Contains(p.Key)).Select(p => p.Value).ToList();
            var leader = live.SingleOrDefault(p => p.State == ServerState.Leading && p.IsServing);
            if (leader is not null && live.All(p => p.IsServing && p.LeaderId == leader.Id))
            {
                return leader;
            }

            Tick();
        }

        throw new InvalidOperationException("No stable leader: " + string.Join("; ", Peers.Values.Select(p => $"{p.Id} {p.State}/{p.Phase}")));
    }

    public IEnumerable<T> SentBy<T>(long id) where T : ZabMessage => Sent[id].OfType<T>();

    public List<long> AppliedZxids(long id) => Applied[id].OfType<TxnCommitted>().Select(c => c.Txn.Zxid).ToList();

    public void ClearRecords()
    {
        foreach (long id in Peers.Keys)
        {
            Sent[id].Clear();
            Applied[id].Clear();
            Logged[id].Clear();
            Events[id].Clear();
            Telemetry[id].Clear();
        }
    }

    public static Txn TxnAt(long epoch, long counter) =>
        new(Zxid.Make(epoch, counter), BitConverter.GetBytes(Zxid.Make(epoch, counter)));

    /// <summary>A durable state whose log holds (epoch, counter) pairs.</summary>
    public static DurableState Log(long acceptedEpoch, long currentEpoch, params (long Epoch, long Counter)[] entries) =>
        new(new EpochState(acceptedEpoch, currentEpoch), 0, 0, entries.Select(e => TxnAt(e.Epoch, e.Counter)).ToArray());
}
