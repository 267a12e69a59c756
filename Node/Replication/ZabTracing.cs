using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using CoordAspire.Protocol;
using CoordAspire.Zab;

namespace CoordAspire.Node.Replication;

/// <summary>
/// Turns the consensus core's telemetry into OpenTelemetry spans and metrics (ActivitySource and Meter
/// "CoordAspire.Zab"): an <c>election</c> span per election at every member, with each vote received as an event
/// and the outcome as attributes; a <c>proposal</c> span on the leader from PROPOSAL to COMMIT with an event per ACK;
/// on each follower a <c>proposal log+ack</c> span in the same trace, whose context travels in the quorum packet.
/// Used on the request loop's thread only. Costs nothing while no one listens.
/// </summary>
internal sealed class ZabTracing(long serverId, int coreTickMs)
{
    public const string Name = "CoordAspire.Zab";

    public static readonly ActivitySource Source = new(Name, NodeVersion.Version);

    public static readonly Meter Meter = new(Name, NodeVersion.Version);

    private static readonly Counter<long> Proposals = Meter.CreateCounter<long>(
        "coordaspire.zab.proposals", "{proposal}", "Proposals made by this server as leader.");

    private static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>(
        "coordaspire.zab.commit.duration", "ms", "From PROPOSAL to COMMIT on the leader.");

    private static readonly Counter<long> Elections = Meter.CreateCounter<long>(
        "coordaspire.zab.elections", "{election}", "Leader elections this server took part in.");

    private static readonly Histogram<double> ElectionDuration = Meter.CreateHistogram<double>(
        "coordaspire.zab.election.duration", "ms", "From going LOOKING to knowing the leader.");

    private static readonly Histogram<double> FsyncDuration = Meter.CreateHistogram<double>(
        "coordaspire.zab.fsync.duration", "ms", "One group-commit fsync of the transaction log.");

    private readonly Dictionary<long, (Activity? Span, long Started)> _proposals = [];
    private readonly SortedDictionary<long, Activity> _followerSpans = [];
    private Activity? _election;
    private long _electionStarted;

    /// <summary>A proposal about to be made: its span (when someone listens) and the context it carries.</summary>
    public readonly record struct ProposalSpan(Activity? Span, ReadOnlyMemory<byte> TraceContext);

    public ProposalSpan StartProposal(long zxid, OpCode type)
    {
        var span = StartDetached("zab proposal", ActivityKind.Producer, default);
        if (span is null)
        {
            return default;
        }

        span.SetTag("zab.zxid", "0x" + zxid.ToString("x"));
        span.SetTag("zab.txn.type", type.ToString());
        span.SetTag("zab.server.id", serverId);
        return new ProposalSpan(span, Encoding.ASCII.GetBytes(span.Id!));
    }

    public void Proposed(long zxid, ProposalSpan proposal)
    {
        Proposals.Add(1);
        _proposals[zxid] = (proposal.Span, Stopwatch.GetTimestamp());
    }

    public void Abandon(ProposalSpan proposal)
    {
        proposal.Span?.SetStatus(ActivityStatusCode.Error, "not leading");
        proposal.Span?.Stop();
    }

    public void RecordFsync(TimeSpan elapsed) => FsyncDuration.Record(elapsed.TotalMilliseconds);

    public void Record(ZabTelemetry telemetry)
    {
        switch (telemetry)
        {
            case ElectionStarted started:
                EndElection("superseded");
                Elections.Add(1);
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
                ElectionDuration.Record(Stopwatch.GetElapsedTime(_electionStarted).TotalMilliseconds);
                _election?.SetTag("zab.leader.id", finished.Leader);
                _election?.SetTag("zab.epoch", finished.PeerEpoch);
                _election?.SetTag("zab.zxid", "0x" + finished.Zxid.ToString("x"));
                _election?.SetTag("zab.state", finished.NewState.ToString());
                _election?.SetTag("zab.election.duration_ms", finished.DurationTicks * coreTickMs);
                EndElection(null);
                break;
            case AckReceived ack when _proposals.TryGetValue(ack.Zxid, out var proposal):
                proposal.Span?.AddEvent(new ActivityEvent("ack", tags: new ActivityTagsCollection { ["zab.ack.from"] = ack.From }));
                break;
            case ProposalCommitted committed when _proposals.Remove(committed.Zxid, out var proposal):
                CommitLatency.Record(Stopwatch.GetElapsedTime(proposal.Started).TotalMilliseconds);
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
}
