namespace CoordAspire.Zab.Tests;

/// <summary>FastLeaderElection.totalOrderPredicate and Vote.equals, row by row.</summary>
public class VoteOrderTests
{
    public static TheoryData<string, long, long, long, long, long, long, bool, bool> Rows => new()
    {
        // rule,                                      newId newZxid newEpoch curId curZxid curEpoch voter  wins
        { "1- new epoch is higher",                      1, 0x10,   3,       2,    0x99,   2,       true,  true },
        { "... whatever the zxid and id",                1, 0,      3,       9,    0xffff, 2,       true,  true },
        { "a lower epoch loses to any zxid",             9, 0xffff, 1,       1,    0,      2,       true,  false },
        { "2- same epoch, new zxid is higher",           1, 0x21,   2,       2,    0x20,   2,       true,  true },
        { "same epoch, lower zxid loses to any id",      9, 0x1f,   2,       1,    0x20,   2,       true,  false },
        { "3- same epoch and zxid, higher server id",    3, 0x20,   2,       2,    0x20,   2,       true,  true },
        { "same epoch and zxid, lower server id",        1, 0x20,   2,       2,    0x20,   2,       true,  false },
        { "an equal vote does not win (no flapping)",    2, 0x20,   2,       2,    0x20,   2,       true,  false },
        { "a server without voting weight never wins",   4, 0xffff, 9,       1,    0,      0,       false, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Votes_are_ordered_by_epoch_then_zxid_then_server_id(
        string rule, long newId, long newZxid, long newEpoch, long curId, long curZxid, long curEpoch, bool isVoter, bool wins)
    {
        Assert.True(
            wins == Vote.TotalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid, curEpoch, isVoter),
            rule);
    }

    [Fact]
    public void Looking_votes_match_on_every_field_votes_out_of_election_on_leader_and_epoch_only()
    {
        var a = new Vote(3, 0x200000005, 7, 2);
        // ZOOKEEPER-1805: followers of one leader report different zxids and rounds; they still agree.
        Assert.True(Vote.Matches(a, ServerState.Following, a with { Zxid = 0x200000009, ElectionEpoch = 4 }, ServerState.Leading));
        Assert.False(Vote.Matches(a, ServerState.Following, a with { PeerEpoch = 3 }, ServerState.Following));
        Assert.False(Vote.Matches(a, ServerState.Looking, a with { Zxid = 0x200000009 }, ServerState.Following));
        Assert.True(Vote.Matches(a, ServerState.Looking, a, ServerState.Looking));
    }
}
