namespace CoordAspire.Database.Processing;

/// <summary>The request counters that <c>srvr</c>, <c>stat</c> and <c>mntr</c> report (<c>ServerStats</c>).</summary>
public sealed class ServerStatistics
{
    private long _totalLatency;
    private long _latencyCount;

    public long PacketsReceived { get; internal set; }

    public long PacketsSent { get; internal set; }

    public long MinLatency { get; private set; } = long.MaxValue;

    public long MaxLatency { get; private set; }

    public double AvgLatency => _latencyCount == 0 ? 0 : (double)_totalLatency / _latencyCount;

    /// <summary>Requests prepared but not yet answered; always 0 between calls of a standalone processor.</summary>
    public long OutstandingRequests { get; internal set; }

    public long ConnectionsDropped { get; internal set; }

    public void RecordLatency(long milliseconds)
    {
        _totalLatency += milliseconds;
        _latencyCount++;
        MinLatency = Math.Min(MinLatency, milliseconds);
        MaxLatency = Math.Max(MaxLatency, milliseconds);
    }

    public void Reset()
    {
        PacketsReceived = 0;
        PacketsSent = 0;
        _totalLatency = 0;
        _latencyCount = 0;
        MinLatency = long.MaxValue;
        MaxLatency = 0;
    }
}
