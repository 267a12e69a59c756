using System.Globalization;
using HdrHistogram;

namespace CoordAspire.LoadTool;

/// <summary>
/// The live progress, on standard error so that standard output keeps only the report: one line per second. On a
/// terminal the line is rewritten in place (and kept when a phase ends); elsewhere (CI, a pipe, a file) each second
/// is a plain line of its own.
/// </summary>
internal sealed class ProgressPrinter(TextWriter output, bool rewrite, bool silent = false)
{
    private bool _pending;

    public static ProgressPrinter For(ProgressMode mode) => mode switch
    {
        ProgressMode.None => new ProgressPrinter(TextWriter.Null, rewrite: false, silent: true),
        ProgressMode.Plain => new ProgressPrinter(Console.Error, rewrite: false),
        _ => new ProgressPrinter(Console.Error, rewrite: !Console.IsErrorRedirected),
    };

    /// <summary>A message of its own (a phase, the kill of a leader).</summary>
    public void Note(string message)
    {
        if (silent)
        {
            return;
        }

        EndLine();
        output.WriteLine($"coord-load: {message}");
        output.Flush();
    }

    public void Tick(string phase, TimeSpan elapsed, TimeSpan interval, HistogramBase latencies, long errors, IEnumerable<double>? rssMb)
    {
        if (silent)
        {
            return;
        }

        string line = Format(phase, elapsed, interval, latencies, errors, rssMb);
        if (rewrite)
        {
            output.Write($"\r{line}\u001b[K");
            _pending = true;
        }
        else
        {
            output.WriteLine(line);
        }

        output.Flush();
    }

    /// <summary>Ends a line being rewritten, so that it stays on the screen.</summary>
    public void EndLine()
    {
        if (_pending)
        {
            output.WriteLine();
            _pending = false;
        }
    }

    /// <summary>"[  12s] measure   10,234 ops/s  p50  1.20  p99  8.40  max  21.0 ms  errors 0  rss 140/138/141 MB".</summary>
    public static string Format(string phase, TimeSpan elapsed, TimeSpan interval, HistogramBase latencies, long errors, IEnumerable<double>? rssMb)
    {
        double perSecond = latencies.TotalCount / Math.Max(interval.TotalSeconds, 1e-9);
        static double Ms(long micros) => micros / 1000.0;
        string latency = latencies.TotalCount == 0
            ? "p50     -  p99     -  max      - ms"
            : string.Create(CultureInfo.InvariantCulture,
                $"p50 {Ms(latencies.GetValueAtPercentile(50)),5:0.00}  p99 {Ms(latencies.GetValueAtPercentile(99)),5:0.00}  max {Ms(latencies.GetMaxValue()),6:0.0} ms");
        string rss = rssMb is null ? "" : "  rss " + string.Join('/', rssMb.Select(mb => mb.ToString("0", CultureInfo.InvariantCulture))) + " MB";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds,4:0}s] {phase,-7} {perSecond,9:N0} ops/s  {latency}  errors {errors}{rss}");
    }
}
