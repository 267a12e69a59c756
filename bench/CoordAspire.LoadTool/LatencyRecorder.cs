using System.Diagnostics;
using HdrHistogram;

namespace CoordAspire.LoadTool;

/// <summary>
/// The latencies of one kind of operation, in microseconds, recorded by many workers at once (HdrHistogram's
/// <see cref="Recorder"/>: wait-free writes, interval snapshots for the progress line) and added up into the total of
/// the measured phase.
/// </summary>
internal sealed class LatencyRecorder
{
    /// <summary>1 µs to one hour, 3 significant digits: 0.1% error at any latency.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private HistogramBase? _spare;

    public LatencyRecorder(string kind)
    {
        Kind = kind;
        Total = NewHistogram();
    }

    /// <summary>create, set, get, delete, connect.</summary>
    public string Kind { get; }

    /// <summary>Everything recorded while measuring (what <see cref="Drain"/> was told to keep).</summary>
    public HistogramBase Total { get; }

    public static HistogramBase NewHistogram() => new LongHistogram(1, HighestMicroseconds, 3);

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordSince(long startTimestamp, long endTimestamp)
    {
        long micros = (endTimestamp - startTimestamp) * 1_000_000 / Stopwatch.Frequency;
        _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicroseconds));
    }

    /// <summary>Takes what was recorded since the last call; adds it to <see cref="Total"/> when <paramref name="keep"/>.
    /// Only one thread (the progress loop) calls this. The histogram returned is valid until the next call.</summary>
    public HistogramBase Drain(bool keep)
    {
        var interval = _spare is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_spare);
        _spare = interval;
        if (keep)
        {
            Total.Add(interval);
        }

        return interval;
    }
}
