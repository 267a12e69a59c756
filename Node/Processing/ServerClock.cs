using CoordAspire.Database.Processing;

namespace CoordAspire.Node.Processing;

/// <summary>
/// Reads the two clocks the request processor is given (<see cref="ServerTime"/>) from a <see cref="TimeProvider"/>:
/// wall time for znode timestamps, and a monotonic elapsed time (ZooKeeper's <c>Time.currentElapsedTime</c>, from
/// <c>System.nanoTime</c>) for session expiry, which must not jump when someone sets the system clock.
/// </summary>
internal sealed class ServerClock(TimeProvider time)
{
    public TimeProvider TimeProvider { get; } = time;

    public ServerTime Now() => new(TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), ElapsedMs(TimeProvider.GetTimestamp()));

    /// <summary>Monotonic milliseconds of a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long ElapsedMs(long timestamp)
    {
        long frequency = TimeProvider.TimestampFrequency;
        return frequency == 1000 ? timestamp : (long)((double)timestamp * 1000 / frequency);
    }

    public long Timestamp() => TimeProvider.GetTimestamp();
}
