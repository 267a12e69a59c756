namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>
/// The checker on histories written by hand — each one a rule of linearizability or of ZooKeeper's FIFO client
/// order — and on long generated ones: a checker that passes everything proves nothing, so most cases here are
/// histories it must reject.
/// </summary>
public sealed class LinearizabilityCheckerTests
{
    private static readonly RegisterState Initial = new(0, 0);

    private static RegisterOperation Read(int session, long value, int version, long invoked, long completed) =>
        new(session, "r", RegisterOpKind.Read, 0, -1, Outcome.Ok, value, version, invoked, completed);

    private static RegisterOperation Write(int session, long value, int newVersion, long invoked, long completed, Outcome outcome = Outcome.Ok) =>
        new(session, "r", RegisterOpKind.Write, value, -1, outcome, 0, newVersion, invoked, outcome is Outcome.Indeterminate ? long.MaxValue : completed);

    private static RegisterOperation Cas(int session, int expected, long value, Outcome outcome, long invoked, long completed) =>
        new(session, "r", RegisterOpKind.CompareAndSet, value, expected, outcome, 0, outcome is Outcome.Ok ? expected + 1 : 0, invoked,
            outcome is Outcome.Indeterminate ? long.MaxValue : completed);

    private static LinearizabilityResult Check(params RegisterOperation[] history) => LinearizabilityChecker.CheckRegister("r", history, Initial);

    [Fact]
    public void A_read_after_a_write_completed_sees_it()
    {
        Assert.True(Check(Write(1, 7, 1, 1, 2), Read(2, 7, 1, 3, 4)).IsLinearizable);
    }

    [Fact]
    public void A_read_that_starts_after_a_write_completed_and_sees_the_old_value_is_stale()
    {
        var result = Check(Write(1, 7, 1, 1, 2), Read(2, 0, 0, 3, 4));
        Assert.False(result.IsLinearizable);
        Assert.False(result.GaveUp);
        Assert.Contains("read r → 0 (version 0)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_overlapping_a_write_may_see_either_value()
    {
        Assert.True(Check(Write(1, 7, 1, 1, 10), Read(2, 0, 0, 2, 3)).IsLinearizable);
        Assert.True(Check(Write(1, 7, 1, 1, 10), Read(2, 7, 1, 2, 3)).IsLinearizable);
    }

    [Fact]
    public void Once_a_read_saw_the_new_value_a_later_read_cannot_see_the_old_one()
    {
        // Both reads overlap the write, but not each other: the second cannot go back in time.
        Assert.False(Check(Write(1, 7, 1, 1, 10), Read(2, 7, 1, 2, 3), Read(3, 0, 0, 4, 5)).IsLinearizable);
    }

    [Fact]
    public void An_acknowledged_write_that_a_later_read_does_not_see_was_lost()
    {
        Assert.False(Check(Write(1, 7, 1, 1, 2), Write(2, 8, 2, 3, 4), Read(3, 7, 1, 5, 6)).IsLinearizable);
    }

    [Fact]
    public void Two_writes_acknowledged_with_the_same_version_cannot_both_have_happened()
    {
        // What a server that acknowledges without writing looks like: the second write "made" version 1 again.
        Assert.False(Check(Write(1, 7, 1, 1, 2), Write(2, 8, 1, 3, 4)).IsLinearizable);
    }

    [Fact]
    public void An_indeterminate_write_may_have_happened_or_not()
    {
        Assert.True(Check(Write(1, 7, 0, 1, 0, Outcome.Indeterminate), Read(2, 7, 1, 10, 11)).IsLinearizable);
        Assert.True(Check(Write(1, 7, 0, 1, 0, Outcome.Indeterminate), Read(2, 0, 0, 10, 11)).IsLinearizable);
    }

    [Fact]
    public void An_indeterminate_write_cannot_take_effect_before_it_was_invoked()
    {
        Assert.False(Check(Read(2, 7, 1, 1, 2), Write(1, 7, 0, 3, 0, Outcome.Indeterminate)).IsLinearizable);
    }

    [Fact]
    public void An_indeterminate_write_takes_effect_at_most_once()
    {
        Assert.False(Check(Write(1, 7, 0, 1, 0, Outcome.Indeterminate), Read(2, 7, 1, 5, 6), Write(3, 8, 2, 7, 8), Read(2, 7, 3, 9, 10)).IsLinearizable);
    }

    [Fact]
    public void A_compare_and_set_succeeds_only_on_its_version_and_fails_only_off_it()
    {
        Assert.True(Check(Write(1, 7, 1, 1, 2), Cas(2, 1, 9, Outcome.Ok, 3, 4), Read(3, 9, 2, 5, 6)).IsLinearizable);
        Assert.False(Check(Write(1, 7, 1, 1, 2), Cas(2, 0, 9, Outcome.Ok, 3, 4)).IsLinearizable);
        Assert.True(Check(Write(1, 7, 1, 1, 2), Cas(2, 0, 9, Outcome.Failed, 3, 4)).IsLinearizable);
        Assert.False(Check(Write(1, 7, 1, 1, 2), Cas(2, 1, 9, Outcome.Failed, 3, 4)).IsLinearizable);
    }

    [Fact]
    public void An_indeterminate_compare_and_set_on_a_stale_version_cannot_have_taken_effect()
    {
        Assert.False(Check(Write(1, 7, 1, 1, 2), Cas(2, 0, 9, Outcome.Indeterminate, 3, 0), Read(3, 9, 2, 10, 11)).IsLinearizable);
        Assert.True(Check(Write(1, 7, 1, 1, 2), Cas(2, 1, 9, Outcome.Indeterminate, 3, 0), Read(3, 9, 2, 10, 11)).IsLinearizable);
    }

    [Fact]
    public void A_session_s_pipelined_operations_take_effect_in_the_order_it_issued_them()
    {
        // The write and the read overlap; a read issued after the write by the same session must see it (FIFO
        // client order), though another session's read could legitimately see the old value.
        Assert.False(Check(Write(1, 7, 1, 1, 10), Read(1, 0, 0, 2, 11)).IsLinearizable);
        Assert.True(Check(Write(1, 7, 1, 1, 10), Read(2, 0, 0, 2, 11)).IsLinearizable);
    }

    [Fact]
    public void Registers_are_checked_one_by_one_and_each_gets_a_verdict()
    {
        var history = new[]
        {
            Write(1, 7, 1, 1, 2) with { Register = "a" },
            Read(2, 7, 1, 3, 4) with { Register = "a" },
            Write(1, 8, 1, 1, 2) with { Register = "b" },
            Read(2, 0, 0, 3, 4) with { Register = "b" },
        };
        var results = LinearizabilityChecker.Check(history, Initial);
        Assert.Equal(["a", "b"], results.Select(r => r.Register));
        Assert.True(results[0].IsLinearizable);
        Assert.False(results[1].IsLinearizable);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_long_generated_linearizable_history_passes_and_one_changed_read_fails_it(int seed)
    {
        var history = GeneratedHistory.Linearizable(new Random(seed), sessions: 8, operations: 6000);
        var verdict = LinearizabilityChecker.CheckRegister("r", history, Initial);
        Assert.True(verdict.IsLinearizable, verdict.ToString());

        // A read that returns a value written long before it (a stale cache, or a follower that fell behind): a
        // write that completed before the read began, overwritten by another that also did.
        var writes = history.Where(o => o.Kind is not RegisterOpKind.Read && o.Outcome is Outcome.Ok).ToArray();
        var candidates = (from x in history.Select((o, i) => (o, i))
                          where x.o.Kind is RegisterOpKind.Read
                          from old in writes
                          where old.Completed < x.o.Invoked && writes.Any(w => w.Invoked > old.Completed && w.Completed < x.o.Invoked)
                          select (x.o, x.i, old)).Take(200).ToArray();
        var (victim, index, stale) = candidates[new Random(seed).Next(candidates.Length)];
        var changed = history.ToArray();
        changed[index] = victim with { ObservedValue = stale.Value, ObservedVersion = stale.ObservedVersion };
        var caught = LinearizabilityChecker.CheckRegister("r", changed, Initial);
        Assert.False(caught.IsLinearizable, caught.ToString());
        Assert.False(caught.GaveUp, caught.ToString());
    }
}
