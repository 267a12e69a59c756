namespace CoordAspire.Server.Replication;

/// <summary>
/// The grace period before a member that looks for a leader starts its read-only server (QuorumPeer.run: the
/// roZkMgr thread sleeps <c>max(2000, tickTime)</c> ms, then starts it if the peer is still LOOKING): a member
/// whose election simply takes a moment never turns clients away as read-only; one that cannot find a quorum
/// for that long is taken to be partitioned from it.
/// </summary>
public sealed class ReadOnlyModeTimer(TimeSpan gracePeriod, TimeProvider time)
{
    /// <summary>Apache's lower bound on the grace period.</summary>
    public static readonly TimeSpan MinimumGracePeriod = TimeSpan.FromSeconds(2);

    private long? _lookingSince;

    public TimeSpan GracePeriod { get; } = gracePeriod;

    public static ReadOnlyModeTimer For(int tickTimeMs, TimeProvider time) =>
        new(TimeSpan.FromMilliseconds(Math.Max(MinimumGracePeriod.TotalMilliseconds, tickTimeMs)), time);

    /// <summary>The member is looking for a leader; the period runs from the first such call after an election ended.</summary>
    public void Looking() => _lookingSince ??= time.GetTimestamp();

    /// <summary>The member found its leader (or leads): the next election starts a new period.</summary>
    public void ElectionEnded() => _lookingSince = null;

    /// <summary>Whether the member has been looking for the whole grace period.</summary>
    public bool IsDue() => _lookingSince is { } since && time.GetElapsedTime(since) >= GracePeriod;
}
