using System.Diagnostics;
using System.Text;
using CoordAspire.Database;
using CoordAspire.Protocol;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Server.Replication;

/// <summary>
/// Turns the consensus core's telemetry into OpenTelemetry spans (ActivitySource "CoordAspire.Zab") and metrics
/// (<see cref="ZabMetrics"/>): an <c>election</c> span per election at every member, with each vote received as an event
/// and the outcome as attributes; a <c>proposal</c> span on the leader from PROPOSAL to COMMIT with an event per ACK;
/// on each follower a <c>proposal log+ack</c> span in the same trace, whose context travels in the quorum packet.
/// Used on the request loop's thread only. Costs nothing while no one listens.
/// </summary>
public sealed partial class ZabTracing(long serverId, int coreTickMs, ILogger logger)
{
    public const string Name = "CoordAspire.Zab";

    public static readonly ActivitySource Source = new(Name, ServerVersion.Version);

    private readonly Dictionary<long, (Activity? Span, long Started)> _proposals = [];
    private readonly SortedDictionary<long, Activity> _followerSpans = [];
    private Activity? _election;
    private long _electionStarted;

    /// <summary>Proposals this server made as leader since it started (<c>zk_proposal_count</c>).</summary>
    public long ProposalCount { get; private set; }

    /// <summary>The last proposal's size in bytes (<c>zk_last_proposal_size</c>); -1 before the first, as ZooKeeper's BufferStats.</summary>
    public int LastProposalSize { get; private set; } = -1;

    public int MinProposalSize { get; private set; } = -1;

    public int MaxProposalSize { get; private set; } = -1;

    /// <summary>A proposal about to be made: its span (when someone listens) and the context it carries.</summary>
    public readonly record struct ProposalSpan(Activity? Span, ReadOnlyMemory<byte> TraceContext);

    /// <param name="traceParent">The request's span on the server that took it (or its client's), when traced.</param>
    public ProposalSpan StartProposal(long zxid, OpCode type, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = StartDetached("zab proposal", ActivityKind.Producer, parent);
        if (span is null)
        {
            // Unobserved here, the trace still goes on to the followers under the request's context.
            return new ProposalSpan(null, traceParent is null ? default : Encoding.ASCII.GetBytes(traceParent));
        }

        span.SetTag("zab.zxid", "0x" + zxid.ToString("x"));
        span.SetTag("zab.txn.type", type.ToString());
        span.SetTag("zab.server.id", serverId);
        return new ProposalSpan(span, Encoding.ASCII.GetBytes(span.Id!));
    }

    /// <param name="size">The transaction's bytes as proposed.</param>
    public void Proposed(long zxid, ProposalSpan proposal, int size)
    {
        ZabMetrics.Proposals.Add(1);
        ZabMetrics.ProposalSize.Record(size);
        ProposalCount++;
        LastProposalSize = size;
        MinProposalSize = MinProposalSize < 0 ? size : Math.Min(MinProposalSize, size);
        MaxProposalSize = Math.Max(MaxProposalSize, size);
        _proposals[zxid] = (proposal.Span, Stopwatch.GetTimestamp());
    }

    public void Abandon(ProposalSpan proposal)
    {
        proposal.Span?.SetStatus(ActivityStatusCode.Error, "not leading");
        proposal.Span?.Stop();
    }

    public void RecordFsync(TimeSpan elapsed) => ZabMetrics.LogSyncDuration.Record(elapsed.TotalMilliseconds);

    public void Record(ZabTelemetry telemetry)
    {
        switch (telemetry)
        {
            case ElectionStarted started:
                EndElection("superseded");
                ZabMetrics.Elections.Add(1);
                _electionStarted = Stopwatch.GetTimestamp();
                _election = StartDetached("zab election", ActivityKind.Internal, default);
                _election?.SetTag("zab.server.id", serverId);
                _election?.SetTag("zab.election.reason", started.Reason);
                _election?.SetTag("zab.election.epoch", started.ElectionEpoch);
                break;
            case NotificationReceived vote when _election is not null:
                _election.AddEvent(new ActivityEvent("vote", tags: new ActivityTagsCollection
                {
                    ["zab.vote.from"] = vote.From,
                    ["zab.vote.state"] = vote.SenderState.ToString(),
                    ["zab.vote.leader"] = vote.Vote.Leader,
                    ["zab.vote.zxid"] = "0x" + vote.Vote.Zxid.ToString("x"),
                    ["zab.vote.peer_epoch"] = vote.Vote.PeerEpoch,
                }));
                break;
            case ElectionFinished finished:
            {
                double milliseconds = Stopwatch.GetElapsedTime(_electionStarted).TotalMilliseconds;
                ZabMetrics.ElectionDuration.Record(milliseconds);
                Log.ElectionFinished(logger, finished.NewState.ToString().ToUpperInvariant(), (long)milliseconds, finished.Leader, finished.PeerEpoch, new HexField(finished.Zxid));
                _election?.SetTag("zab.leader.id", finished.Leader);
                _election?.SetTag("zab.epoch", finished.PeerEpoch);
                _election?.SetTag("zab.zxid", "0x" + finished.Zxid.ToString("x"));
                _election?.SetTag("zab.state", finished.NewState.ToString());
                _election?.SetTag("zab.election.duration_ms", finished.DurationTicks * coreTickMs);
                EndElection(null);
                break;
            }

            case AckReceived ack when _proposals.TryGetValue(ack.Zxid, out var proposal):
                proposal.Span?.AddEvent(new ActivityEvent("ack", tags: new ActivityTagsCollection { ["zab.ack.from"] = ack.From }));
                break;
            case ProposalCommitted committed when _proposals.Remove(committed.Zxid, out var proposal):
                ZabMetrics.CommitLatency.Record(Stopwatch.GetElapsedTime(proposal.Started).TotalMilliseconds);
                proposal.Span?.AddEvent(new ActivityEvent("commit"));
                proposal.Span?.Stop();
                break;
            case ProposalReceived received:
            {
                var parent = ParseContext(received.TraceContext);
                if (parent != default)
                {
                    var span = StartDetached("zab proposal log+ack", ActivityKind.Consumer, parent);
                    if (span is not null)
                    {
                        span.SetTag("zab.zxid", "0x" + received.Zxid.ToString("x"));
                        span.SetTag("zab.server.id", serverId);
                        _followerSpans[received.Zxid] = span;
                    }
                }

                break;
            }

            case AckSent sent:
                while (_followerSpans.Count > 0)
                {
                    var (zxid, span) = _followerSpans.First();
                    if (zxid > sent.Zxid)
                    {
                        break;
                    }

                    _followerSpans.Remove(zxid);
                    span.AddEvent(new ActivityEvent("ack sent"));
                    span.Stop();
                }

                break;
            case SteppedDown down:
                foreach (var (_, proposal) in _proposals)
                {
                    proposal.Span?.SetStatus(ActivityStatusCode.Error, "leader stepped down: " + down.Reason);
                    proposal.Span?.Stop();
                }

                _proposals.Clear();
                break;
        }
    }

    private void EndElection(string? error)
    {
        if (_election is null)
        {
            return;
        }

        if (error is not null)
        {
            _election.SetStatus(ActivityStatusCode.Error, error);
        }

        _election.Stop();
        _election = null;
    }

    /// <summary>Starts a span without making it <see cref="Activity.Current"/>: the loop thread serves everyone.</summary>
    private static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(name, kind, parent);
        Activity.Current = previous;
        return span;
    }

    private static ActivityContext ParseContext(ReadOnlyMemory<byte> traceContext)
    {
        if (traceContext.IsEmpty)
        {
            return default;
        }

        return ActivityContext.TryParse(Encoding.ASCII.GetString(traceContext.Span), null, out var context) ? context : default;
    }

    private static partial class Log
    {
        // QuorumPeer.run: "FOLLOWING - LEADER ELECTION TOOK - 35 MS".
        [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "{State} - LEADER ELECTION TOOK - {Milliseconds} MS: leader {LeaderId}, epoch {Epoch}, zxid {Zxid}")]
        public static partial void ElectionFinished(ILogger logger, string state, long milliseconds, long leaderId, long epoch, HexField zxid);
    }
}
