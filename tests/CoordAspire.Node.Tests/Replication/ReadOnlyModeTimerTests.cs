using CoordAspire.Node.Replication;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Tests.Replication;

/// <summary>
/// The grace period before a looking member serves read-only: QuorumPeer.run sleeps max(2000, tickTime) ms after
/// entering LOOKING and starts the read-only server only if the peer is still LOOKING; each election starts anew.
/// </summary>
public sealed class ReadOnlyModeTimerTests
{
    [Theory]
    [InlineData(1000, 2000)]
    [InlineData(2000, 2000)]
    [InlineData(3000, 3000)]
    public void The_grace_period_is_max_2000_ms_and_tickTime(int tickTime, int graceMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(graceMs), ReadOnlyModeTimer.For(tickTime, TimeProvider.System).GracePeriod);

    [Fact]
    public void Due_only_after_looking_for_the_whole_period_counted_from_the_first_look()
    {
        var time = new ManualTime();
        var timer = ReadOnlyModeTimer.For(1000, time);
        Assert.False(timer.IsDue()); // not looking

        timer.Looking();
        time.Advance(TimeSpan.FromMilliseconds(1500));
        timer.Looking(); // still the same election: the period does not restart
        Assert.False(timer.IsDue());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(timer.IsDue());
    }

    [Fact]
    public void An_election_that_ends_resets_the_period()
    {
        var time = new ManualTime();
        var timer = ReadOnlyModeTimer.For(1000, time);
        timer.Looking();
        time.Advance(TimeSpan.FromMilliseconds(1900));
        timer.ElectionEnded();
        Assert.False(timer.IsDue());

        timer.Looking();
        time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.False(timer.IsDue());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(timer.IsDue());
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
