namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>Histories of a real single-copy register, for testing the checker: each session issues one operation at a
/// time; each operation takes effect at a random instant inside its interval; some writes are indeterminate (their
/// client lost the answer), and of those some never took effect.</summary>
internal static class GeneratedHistory
{
    public static RegisterOperation[] Linearizable(Random random, int sessions, int operations)
    {
        var planned = new List<(int Session, RegisterOpKind Kind, long Invoked, long Completed, long Point, int Expected, bool Lost, bool Applied)>();
        var clocks = new long[sessions];
        for (int i = 0; i < operations; i++)
        {
            int session = random.Next(sessions);
            long invoked = clocks[session] + random.Next(1, 50);
            long completed = invoked + random.Next(1, 200);
            clocks[session] = completed;
            var kind = (RegisterOpKind)random.Next(3);
            bool lost = kind is not RegisterOpKind.Read && random.Next(40) == 0;
            planned.Add((session, kind, invoked, completed, invoked + random.NextInt64(completed - invoked + 1), 0, lost, !lost || random.Next(2) == 0));
        }

        var state = new RegisterState(0, 0);
        var history = new List<RegisterOperation>();
        long nextValue = 1;
        foreach (var op in planned.OrderBy(p => p.Point))
        {
            switch (op.Kind)
            {
                case RegisterOpKind.Read:
                    history.Add(new(op.Session, "r", op.Kind, 0, -1, Outcome.Ok, state.Value, state.Version, op.Invoked, op.Completed));
                    break;
                case RegisterOpKind.Write:
                    long value = nextValue++;
                    if (op.Applied)
                    {
                        state = new RegisterState(value, state.Version + 1);
                    }

                    history.Add(new(op.Session, "r", op.Kind, value, -1, op.Lost ? Outcome.Indeterminate : Outcome.Ok, 0, state.Version, op.Invoked,
                        op.Lost ? long.MaxValue : op.Completed));
                    break;
                default:
                    // Expect the current version most of the time, so that most succeed.
                    int expected = random.Next(3) == 0 ? state.Version - 1 : state.Version;
                    long casValue = nextValue++;
                    bool succeeds = expected == state.Version && op.Applied;
                    if (succeeds)
                    {
                        state = new RegisterState(casValue, state.Version + 1);
                    }

                    var outcome = op.Lost ? Outcome.Indeterminate : succeeds ? Outcome.Ok : Outcome.Failed;
                    history.Add(new(op.Session, "r", op.Kind, casValue, expected, outcome, 0, succeeds ? state.Version : 0, op.Invoked,
                        op.Lost ? long.MaxValue : op.Completed));
                    break;
            }
        }

        return [.. history.OrderBy(o => o.Invoked)];
    }
}
