using System.Diagnostics;
using System.Diagnostics.Metrics;
using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// The client's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>CoordAspire.Client</c>: a span per
/// request ("zookeeper getData", tags after OpenTelemetry's database conventions) and the request duration and
/// in-flight count. Nothing is allocated or measured until a listener subscribes.
/// </summary>
public static class ClientTelemetry
{
    public const string Name = "CoordAspire.Client";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(ClientTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(ClientTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        "zookeeper.client.request.duration", "s", "Time from submitting a request to its completion.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static long _inFlight;

    public static readonly ObservableGauge<long> RequestsInFlight = Meter.CreateObservableGauge(
        "zookeeper.client.requests.in_flight", () => Volatile.Read(ref _inFlight), "{request}",
        "Requests submitted and not yet completed, over all clients of the process.");

    private static readonly Dictionary<OpCode, string> OperationNames = Enum.GetValues<OpCode>().ToDictionary(op => op, JavaName);
    private static readonly Dictionary<OpCode, string> SpanNames = OperationNames.ToDictionary(kv => kv.Key, kv => "zookeeper " + kv.Value);

    /// <summary>The operation's name as ZooKeeper spells it (<c>ZooDefs.OpCode</c>): getData, createTTL, ...</summary>
    public static string OperationName(OpCode op) => OperationNames.TryGetValue(op, out var name) ? name : ((int)op).ToString();

    internal static Activity? StartActivity(OpCode op, string? path)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        // The span is the caller's child but must not become the caller's Activity.Current: the operation returns
        // before the span ends, and the caller's next operation is its sibling, not its child.
        var current = Activity.Current;
        var activity = ActivitySource.StartActivity(SpanNames.TryGetValue(op, out var name) ? name : "zookeeper", ActivityKind.Client);
        Activity.Current = current;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system", "zookeeper");
            activity.SetTag("db.system.name", "zookeeper");
            activity.SetTag("db.operation.name", OperationName(op));
            activity.SetTag("zookeeper.opcode", (int)op);
            if (path is not null)
            {
                activity.SetTag("zookeeper.path", path);
            }
        }

        return activity;
    }

    internal static void RequestStarted() => Interlocked.Increment(ref _inFlight);

    internal static void RequestCompleted(Request request, Exception? error)
    {
        Interlocked.Decrement(ref _inFlight);
        string? errorType = error switch
        {
            null => null,
            KeeperException k => k.Code.ToString(),
            OperationCanceledException => "cancelled",
            _ => error.GetType().Name,
        };
        if (RequestDuration.Enabled)
        {
            double seconds = Stopwatch.GetElapsedTime(request.StartTimestamp).TotalSeconds;
            var operation = new KeyValuePair<string, object?>("db.operation.name", OperationName(request.OpCode));
            if (errorType is null)
            {
                RequestDuration.Record(seconds, operation);
            }
            else
            {
                RequestDuration.Record(seconds, operation, new KeyValuePair<string, object?>("error.type", errorType));
            }
        }

        if (request.Activity is { } activity)
        {
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }

            // Stopping makes the span's parent current on the stopping thread (often the reader's): undo that.
            var current = Activity.Current;
            activity.Dispose();
            Activity.Current = current;
        }
    }

    private static string JavaName(OpCode op) => op switch
    {
        OpCode.GetAcl => "getACL",
        OpCode.SetAcl => "setACL",
        OpCode.CreateTtl => "createTTL",
        _ => char.ToLowerInvariant(op.ToString()[0]) + op.ToString()[1..],
    };
}
