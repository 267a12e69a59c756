namespace CoordAspire.Zab.Tests;

/// <summary>The quorum packet codes are Apache ZooKeeper 3.8's (Leader.java): mixing our servers with theirs in one
/// ensemble depends on them never changing.</summary>
public class PacketTypeStabilityTests
{
    [Fact]
    public void Packet_types_keep_ZooKeepers_codes()
    {
        var expected = new Dictionary<PacketType, int>
        {
            [PacketType.Request] = 1, [PacketType.Proposal] = 2, [PacketType.Ack] = 3, [PacketType.Commit] = 4,
            [PacketType.Ping] = 5, [PacketType.Revalidate] = 6, [PacketType.Sync] = 7, [PacketType.Inform] = 8,
            [PacketType.CommitAndActivate] = 9, [PacketType.NewLeader] = 10, [PacketType.FollowerInfo] = 11,
            [PacketType.UpToDate] = 12, [PacketType.Diff] = 13, [PacketType.Trunc] = 14, [PacketType.Snap] = 15,
            [PacketType.ObserverInfo] = 16, [PacketType.LeaderInfo] = 17, [PacketType.AckEpoch] = 18,
            [PacketType.InformAndActivate] = 19,
        };
        Assert.Equal(expected.Count, Enum.GetValues<PacketType>().Length);
        foreach (var (type, code) in expected)
        {
            Assert.Equal(code, (int)type);
        }
    }

    [Fact]
    public void Server_states_keep_the_notification_codes()
    {
        Assert.Equal([0, 1, 2, 3], new[] { ServerState.Looking, ServerState.Following, ServerState.Leading, ServerState.Observing }.Select(s => (int)s));
    }

    [Fact]
    public void A_zxid_is_the_epoch_in_the_high_32_bits_and_a_counter_in_the_low()
    {
        long zxid = Zxid.Make(5, 42);
        Assert.Equal(0x50000002aL, zxid);
        Assert.Equal(5, Zxid.EpochOf(zxid));
        Assert.Equal(42, Zxid.CounterOf(zxid));
        Assert.Equal("0x50000002a", Zxid.ToHex(zxid));
    }

    [Fact]
    public void ZooKeeper_timing_converts_to_core_ticks_without_shortening_any_limit()
    {
        var config = ZabConfig.FromZooKeeper(tickTimeMs: 2000, initLimit: 10, syncLimit: 5, coreTickMs: 50);
        Assert.Equal(400, config.InitLimit);
        Assert.Equal(200, config.SyncLimit);
        Assert.Equal(20, config.PingInterval); // twice per tickTime
        Assert.Equal(4, config.FinalizeWait); // 200 ms
        Assert.Equal(1200, config.MaxNotificationInterval); // 60 s
        Assert.Equal(1, ZabConfig.FromZooKeeper(2000, 10, 5, 300).FinalizeWait);
    }
}
