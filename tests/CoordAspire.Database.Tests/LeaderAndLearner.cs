using System.Buffers;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Database.Tests;

/// <summary>
/// A real leader processor and a real learner processor joined the way ZAB joins them, minus the network and the
/// quorum: the learner forwards, the leader prepares, and <see cref="Replicate"/> commits what the leader prepared
/// and applies it on both in the same order, through the same codec a PROPOSAL uses.
/// </summary>
internal sealed class LeaderAndLearner
{
    public LeaderAndLearner(Func<ServerSettings, ServerSettings>? configure = null)
    {
        configure ??= s => s;
        Leader = new ProcessorHarness(configure(Settings(1))) { AutoCommit = false };
        Learner = new ProcessorHarness(configure(Settings(2))) { AutoCommit = false };
        Link = new LeaderLink(Leader.Processor);
        Leader.Processor.StopServing();
        Leader.Processor.BecomeLeader(new StandaloneZxids(0)); // no core here: zxids one after another, epoch 0
        Learner.Processor.StopServing();
        Learner.Processor.BecomeLearner(Link);
    }

    public ProcessorHarness Leader { get; }

    public ProcessorHarness Learner { get; }

    public LeaderLink Link { get; }

    public RecordingChannel ConnectedLeaderClient(long sessionId = 0)
    {
        var channel = Leader.Connect(sessionId: sessionId, password: sessionId == 0 ? null : Sessions.SessionTracker.GeneratePassword(sessionId));
        Replicate();
        return channel;
    }

    public RecordingChannel ConnectedLearnerClient(long sessionId = 0)
    {
        var channel = Learner.Connect(sessionId: sessionId, password: sessionId == 0 ? null : Sessions.SessionTracker.GeneratePassword(sessionId));
        Replicate();
        return channel;
    }

    /// <summary>The quorum's part: the leader's prepared transactions commit, and both members apply them in order.</summary>
    public void Replicate()
    {
        var txns = Leader.Processor.TakeTxnsToLog();
        if (txns.Count == 0)
        {
            return;
        }

        Leader.Processor.CommitThrough(txns[^1].Header.Zxid);
        foreach (var txn in txns)
        {
            var buffer = new ArrayBufferWriter<byte>();
            TxnCodec.Write(new JuteWriter(buffer), txn.Header, txn.Record);
            var (header, record) = TxnCodec.Read(buffer.WrittenSpan);
            Learner.Processor.ApplyCommitted(header, record);
        }
    }

    private static ServerSettings Settings(long id) => new()
    {
        ServerId = id, TickTime = 2000, MinSessionTimeout = 4000, MaxSessionTimeout = 40000, ExtendedTypesEnabled = true, ContainerCheckIntervalMs = 1000,
    };

    /// <summary>The learner's link, delivering straight to the real leader processor (the network is the Node's).</summary>
    internal sealed class LeaderLink(RequestProcessor leader) : ILeaderLink
    {
        public List<(OpCode Type, int Cxid)> Forwarded { get; } = [];

        public List<(long SessionId, int Timeout)> Revalidations { get; } = [];

        public List<long> Touched { get; } = [];

        public bool Forward(long sessionId, int cxid, OpCode type, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo, string? traceParent)
        {
            Forwarded.Add((type, cxid));
            if (type != OpCode.Sync)
            {
                leader.ProcessForwarded(sessionId, cxid, type, body, authInfo, traceParent);
            }

            return true;
        }

        public bool Revalidate(long sessionId, int timeout)
        {
            Revalidations.Add((sessionId, timeout));
            return true;
        }

        public void TouchSession(long sessionId, int timeout)
        {
            Touched.Add(sessionId);
            leader.SessionsTouched([(sessionId, timeout)]);
        }
    }
}
