using System.Collections.Concurrent;
using System.Diagnostics;
using CoordAspire.FaultInjection.Tests.Checker;

namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>
/// The history of a run as the clients saw it: every register operation and set addition with its invocation and
/// completion times (one <see cref="Stopwatch"/> clock for all sessions), and whatever a client did that no correct
/// client of a correct server does (anomalies: an unexpected error, a reply out of order, a crash of the library).
/// </summary>
public sealed class History
{
    private readonly ConcurrentQueue<RegisterOperation> _operations = new();
    private readonly ConcurrentQueue<SetAddition> _additions = new();
    private readonly ConcurrentQueue<string> _anomalies = new();

    public static long Now => Stopwatch.GetTimestamp();

    public IReadOnlyCollection<RegisterOperation> Operations => _operations;

    public IReadOnlyCollection<SetAddition> Additions => _additions;

    public IReadOnlyCollection<string> Anomalies => _anomalies;

    public void Add(RegisterOperation operation) => _operations.Enqueue(operation);

    public void Add(SetAddition addition) => _additions.Enqueue(addition);

    private int _expired;


    /// <summary>Sessions that expired during the run (each replaced by a new one).</summary>
    public int ExpiredSessions => Volatile.Read(ref _expired);

    public void SessionExpired() => Interlocked.Increment(ref _expired);

    public void Anomaly(string description) => _anomalies.Enqueue($"{Stopwatch.GetElapsedTime(0).TotalSeconds:F1}s {description}");
}
