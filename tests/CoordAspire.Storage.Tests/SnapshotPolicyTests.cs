namespace CoordAspire.Storage.Tests;

/// <summary>SyncRequestProcessor.shouldSnapshot: after snapCount/2 + a random share of snapCount/2 txns, or of bytes.</summary>
public sealed class SnapshotPolicyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_snapshot_is_due_after_more_than_half_and_at_most_all_of_snapCount(int seed)
    {
        var policy = new SnapshotPolicy(new Random(seed), snapCount: 10, snapSizeInBytes: 0);
        var gaps = new List<int>();
        int since = 0;
        for (int i = 0; i < 1000; i++)
        {
            since++;
            if (policy.RecordAppend(100))
            {
                gaps.Add(since);
                since = 0;
            }
        }

        Assert.All(gaps, g => Assert.InRange(g, 6, 10));
        Assert.True(gaps.Distinct().Count() > 1, "the threshold is re-rolled after each snapshot");
    }

    [Fact]
    public void The_size_rule_fires_on_bytes_alone()
    {
        var policy = new SnapshotPolicy(new Random(5), snapCount: 1_000_000, snapSizeInBytes: 10_000);
        int appends = 0;
        while (!policy.RecordAppend(1000))
        {
            appends++;
        }

        Assert.InRange(appends + 1, 6, 11);
        Assert.Equal(0, policy.TxnCount);
    }

    [Fact]
    public void Same_seed_same_schedule()
    {
        var a = new SnapshotPolicy(new Random(9), snapCount: 50);
        var b = new SnapshotPolicy(new Random(9), snapCount: 50);
        for (int i = 0; i < 500; i++)
        {
            Assert.Equal(a.RecordAppend(10), b.RecordAppend(10));
        }
    }
}
