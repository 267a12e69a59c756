namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>A Prometheus counter (ZooKeeper's <c>MetricsContext.getCounter</c>): a count that only grows.</summary>
internal sealed class PrometheusCounter(string name)
{
    private long _value;

    public string Name { get; } = name;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long delta) => Interlocked.Add(ref _value, delta);
}
