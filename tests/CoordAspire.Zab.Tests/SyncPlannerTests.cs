namespace CoordAspire.Zab.Tests;

/// <summary>
/// LearnerHandler.syncFollower: which packet a leader sends a learner, from the learner's last zxid and the leader's
/// history (committed window plus uncommitted tail). Leader history in these rows: base 0x100000002, then
/// (1,3) (1,4) (2,1) (2,2) (2,3) (4,1) (4,2); committed up to (4,1) unless the row says otherwise.
/// </summary>
public class SyncPlannerTests
{
    private static readonly long[] HistoryZxids =
        [Zxid.Make(1, 3), Zxid.Make(1, 4), Zxid.Make(2, 1), Zxid.Make(2, 2), Zxid.Make(2, 3), Zxid.Make(4, 1), Zxid.Make(4, 2)];

    private static History LeaderHistory() =>
        new(Zxid.Make(1, 2), HistoryZxids.Select(z => new Txn(z, Array.Empty<byte>())));

    public static TheoryData<string, long, long, SyncMode, long, long> Rows => new()
    {
        // rule,                                                                  learner's last  committed        mode            packet zxid     stream after
        { "in sync: an empty DIFF",                                               Z(4, 1),        Z(4, 1),         SyncMode.Diff,  Z(4, 1),        Z(4, 1) },
        { "within the committed log: DIFF, then what it lacks",                   Z(2, 1),        Z(4, 1),         SyncMode.Diff,  Z(4, 1),        Z(2, 1) },
        { "at the window's base (the log is known to end there): DIFF",           Z(1, 2),        Z(4, 1),         SyncMode.Diff,  Z(4, 1),        Z(1, 2) },
        { "it holds our uncommitted proposal: TRUNC to the commit point, resend", Z(4, 2),        Z(4, 1),         SyncMode.Trunc, Z(4, 1),        Z(4, 1) },
        { "proposals of a dead leader in a known epoch: TRUNC to our last of it", Z(2, 7),        Z(4, 1),         SyncMode.Trunc, Z(2, 3),        Z(2, 3) },
        { "... but never beyond what we can call committed",                      Z(2, 7),        Z(2, 2),         SyncMode.Trunc, Z(2, 2),        Z(2, 2) },
        { "ahead of our whole history: TRUNC to maxCommittedLog",                 Z(5, 3),        Z(4, 2),         SyncMode.Trunc, Z(4, 2),        Z(4, 2) },
        { "an epoch we have no entry of, inside our history: SNAP",               Z(3, 5),        Z(4, 1),         SyncMode.Snap,  Z(2, 2),        Z(2, 2) },
        { "older than the committed-log window: SNAP",                            Z(1, 1),        Z(4, 1),         SyncMode.Snap,  Z(2, 2),        Z(2, 2) },
        { "an empty learner behind the window: SNAP",                             0,              Z(4, 1),         SyncMode.Snap,  Z(2, 2),        Z(2, 2) },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_leader_chooses_DIFF_TRUNC_or_SNAP(string rule, long peerLast, long committed, SyncMode mode, long zxid, long streamAfter)
    {
        var plan = SyncPlanner.Choose(peerLast, LeaderHistory(), committed, appliedZxid: Z(2, 2));
        Assert.True(
            plan == new SyncPlanner.Plan(mode, zxid, streamAfter),
            $"{rule}: got {plan.Mode} {Zxid.ToHex(plan.Zxid)} after {Zxid.ToHex(plan.StreamAfter)}");
    }

    [Fact]
    public void A_fresh_ensemble_syncs_an_empty_learner_by_DIFF()
    {
        var plan = SyncPlanner.Choose(0, new History(0, [new Txn(Z(1, 1), Array.Empty<byte>())]), Z(1, 1), 0);
        Assert.Equal(new SyncPlanner.Plan(SyncMode.Diff, Z(1, 1), 0), plan);
    }

    private static long Z(long epoch, long counter) => Zxid.Make(epoch, counter);
}
