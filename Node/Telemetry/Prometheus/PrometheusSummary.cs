namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>How many quantiles a summary exports (ZooKeeper's <c>MetricsContext.DetailLevel</c>).</summary>
internal enum SummaryDetail
{
    /// <summary>The median only.</summary>
    Basic,

    /// <summary>The median, the 90th and the 99th percentile.</summary>
    Advanced,
}

/// <summary>What a summary exports at one scrape.</summary>
/// <param name="Quantiles">Each quantile with its estimate, NaN when the window holds no observation.</param>
internal sealed record SummarySnapshot(IReadOnlyList<(double Quantile, double Value)> Quantiles, long Count, double Sum);

/// <summary>
/// A Prometheus summary as ZooKeeper 3.8's <c>PrometheusMetricsProvider.PrometheusSummary</c> builds it with the Java
/// client (simpleclient 0.9 <c>Summary</c>): <c>_count</c> and <c>_sum</c> over the server's life, and quantiles over
/// a sliding window of 10 minutes kept as 5 age buckets (<c>TimeWindowQuantiles</c>: every observation goes into
/// every bucket, the oldest bucket answers and is emptied every 2 minutes, so the window is 8 to 10 minutes long).
/// The Java client estimates quantiles with CKMS streams; each of our buckets keeps a uniform sample of at most
/// <see cref="SampleSize"/> observations (reservoir sampling), exact below that, which is within the error ZooKeeper
/// allows (5% on the median) at a fixed memory cost. Thread-safe: observations arrive on the request loop and the
/// storage threads, scrapes on the HTTP server's.
/// </summary>
internal sealed class PrometheusSummary
{
    public const int SampleSize = 1024;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    public const int AgeBuckets = 5;

    private static readonly double[] BasicQuantiles = [0.5];
    private static readonly double[] AdvancedQuantiles = [0.5, 0.9, 0.99];

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Random _random = new();
    private readonly double[][] _samples;
    private readonly long[] _seen;
    private readonly TimeSpan _rotateEvery = MaxAge / AgeBuckets;
    private int _current;
    private long _lastRotation;
    private long _count;
    private double _sum;

    public PrometheusSummary(string name, SummaryDetail detail, TimeProvider time)
    {
        Name = name;
        Quantiles = detail == SummaryDetail.Advanced ? AdvancedQuantiles : BasicQuantiles;
        _time = time;
        _samples = [.. Enumerable.Range(0, AgeBuckets).Select(_ => new double[SampleSize])];
        _seen = new long[AgeBuckets];
        _lastRotation = time.GetTimestamp();
    }

    /// <summary>ZooKeeper's name for it (<c>fsynctime</c>, <c>readlatency</c>).</summary>
    public string Name { get; }

    public IReadOnlyList<double> Quantiles { get; }

    public void Observe(double value)
    {
        lock (_lock)
        {
            Rotate();
            _count++;
            _sum += value;
            for (int bucket = 0; bucket < AgeBuckets; bucket++)
            {
                // Algorithm R: the k-th observation replaces a random kept one with probability SampleSize / k.
                long seen = ++_seen[bucket];
                long slot = seen <= SampleSize ? seen - 1 : _random.NextInt64(seen);
                if (slot < SampleSize)
                {
                    _samples[bucket][slot] = value;
                }
            }
        }
    }

    public SummarySnapshot Snapshot()
    {
        double[] window;
        long count;
        double sum;
        lock (_lock)
        {
            Rotate();
            window = _samples[_current][..(int)Math.Min(_seen[_current], SampleSize)];
            count = _count;
            sum = _sum;
        }

        Array.Sort(window);
        var quantiles = new (double, double)[Quantiles.Count];
        for (int i = 0; i < quantiles.Length; i++)
        {
            double q = Quantiles[i];

            // The observation of rank q·n, as CKMSQuantiles.get answers (NaN with none).
            quantiles[i] = (q, window.Length == 0 ? double.NaN : window[Math.Min(window.Length - 1, (int)(q * window.Length))]);
        }

        return new SummarySnapshot(quantiles, count, sum);
    }

    /// <summary><c>TimeWindowQuantiles.rotate</c>: empties the oldest bucket once per 2 minutes passed.</summary>
    private void Rotate()
    {
        var sinceLast = _time.GetElapsedTime(_lastRotation);
        while (sinceLast > _rotateEvery)
        {
            _seen[_current] = 0;
            _current = (_current + 1) % AgeBuckets;
            sinceLast -= _rotateEvery;
            _lastRotation += (long)(_rotateEvery.TotalSeconds * _time.TimestampFrequency);
        }
    }
}
