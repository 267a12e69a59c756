namespace CoordAspire.Database.Processing;

/// <summary>
/// The two clocks the processor needs, given to it by the edge so that it holds no clock of its own: wall time
/// stamps transactions (ctime/mtime, as ZooKeeper's <c>Time.currentWallTime</c>); elapsed time, which never
/// jumps, drives session expiry (<c>Time.currentElapsedTime</c>).
/// </summary>
public readonly record struct ServerTime(long WallMs, long ElapsedMs);
