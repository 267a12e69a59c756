using System.Text;

namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>The verdict on one register's history.</summary>
public sealed record LinearizabilityResult(string Register, int Operations, bool IsLinearizable, bool GaveUp, string? Explanation)
{
    public override string ToString() => IsLinearizable ? $"{Register}: {Operations} operations, linearizable"
        : GaveUp ? $"{Register}: {Operations} operations, undecided: {Explanation}"
        : $"{Register}: {Operations} operations, NOT linearizable: {Explanation}";
}

/// <summary>
/// Decides whether a history of register operations is linearizable: Wing and Gong's search as Lowe improved it
/// ("Testing for linearizability", 2017) and Porcupine implements it. The history becomes a list of call and return
/// events in time order; the search repeatedly picks an operation whose call comes before the first pending return
/// (it may have taken effect first), applies it to the model, and removes both its events; when a return is reached
/// whose operation could not be placed, it backtracks. A cache of (placed set, state) pairs already explored keeps it
/// from exploring the same configuration twice, which makes it near-linear on the histories a real system produces.
/// <para>Indeterminate operations (the client never learned) have no return event: they may be placed anywhere after
/// their call, or never. A history is linearizable once every definite operation is placed.</para>
/// <para>ZooKeeper also promises FIFO client order: a session's operations take effect in the order it issued them,
/// even pipelined ones that overlap in time. The search enforces that per register: an operation is placed only after
/// the session's definite operations issued before it.</para>
/// <para>Each register is checked on its own: linearizability is local (Herlihy and Wing, theorem 1), so a history
/// is linearizable when each object's sub-history is.</para>
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Checks every register of <paramref name="history"/>, each starting at <paramref name="initial"/>.</summary>
    public static IReadOnlyList<LinearizabilityResult> Check(IEnumerable<RegisterOperation> history, RegisterState initial, long maxSteps = 50_000_000)
    {
        var registers = history.GroupBy(o => o.Register, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var results = new LinearizabilityResult[registers.Length];
        Parallel.For(0, registers.Length, i => results[i] = CheckRegister(registers[i].Key, [.. registers[i]], initial, maxSteps));
        return results;
    }

    /// <summary>Checks the operations of one register.</summary>
    public static LinearizabilityResult CheckRegister(string register, IReadOnlyList<RegisterOperation> history, RegisterState initial, long maxSteps = 50_000_000)
    {
        // A read that did not complete had no effect and told nobody anything.
        var ops = history.Where(o => o.Register == register && (o.Kind is not RegisterOpKind.Read || o.Outcome is Outcome.Ok)).ToArray();
        var search = new Search(ops, initial, maxSteps);
        return search.Run(register);
    }

    private sealed class Entry(int op, bool isCall, long time)
    {
        public int Op { get; } = op;

        public bool IsCall { get; } = isCall;

        public long Time { get; } = time;

        public Entry? Match { get; set; }

        public Entry? Previous { get; set; }

        public Entry? Next { get; set; }
    }

    /// <summary>A placed operation, the state before it, and whether an interchangeable write had already been tried
    /// at its level before it (see <see cref="Search"/>'s constructor).</summary>
    private readonly record struct Placed(Entry Call, RegisterState Before, bool TriedInterchangeable);

    private sealed class Search
    {
        private readonly RegisterOperation[] _ops;
        private readonly RegisterState _initial;
        private readonly long _maxSteps;
        private readonly Entry _head = new(-1, isCall: true, long.MinValue);
        private readonly Entry _indeterminateHead = new(-1, isCall: true, long.MinValue);
        private readonly int[] _sessionPredecessor;
        private readonly ulong[] _opHash;
        private readonly ulong[] _placed;
        private readonly bool[] _interchangeable;
        private readonly RegisterOperation[] _steps;
        private readonly HashSet<CacheKey> _cache = [];
        private int _bestDepth = -1;
        private string? _bestExplanation;

        public Search(RegisterOperation[] ops, RegisterState initial, long maxSteps)
        {
            _ops = ops;
            _initial = initial;
            _maxSteps = maxSteps;
            _placed = new ulong[(ops.Length + 63) / 64];
            _opHash = new ulong[ops.Length];
            var random = new Random(20_170_101);
            for (int i = 0; i < ops.Length; i++)
            {
                _opHash[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
            }

            _sessionPredecessor = SessionPredecessors(ops);

            // Indeterminate writes whose value no read returned are interchangeable: each can only have bumped the
            // version (a read right after it would have returned its value), and one that can be placed at a point
            // stays placeable later. So at each point only the first of them that can be placed is tried, and their
            // values are modelled as one unseen value so that the cache knows them for the same state. Without this,
            // every open lost write is a branch at every point, and a few dozen of them make the search exponential.
            var observed = ops.Where(o => o.Kind is RegisterOpKind.Read).Select(o => o.ObservedValue).ToHashSet();
            _interchangeable = ops.Select(o => o is { Kind: RegisterOpKind.Write, Outcome: Outcome.Indeterminate } && !observed.Contains(o.Value)).ToArray();
            _steps = ops.Select((o, i) => _interchangeable[i] ? o with { Value = long.MinValue } : o).ToArray();
            BuildEvents();
        }

        public LinearizabilityResult Run(string register)
        {
            int definiteLeft = _ops.Count(o => o.IsDefinite);
            int depth = 0;
            ulong hash = 0;
            var state = _initial;
            var stack = new Stack<Placed>();

            // The candidates at each point: first the definite calls before the first pending return, then the
            // indeterminate calls before it. Trying the definite ones first matters: an indeterminate operation can
            // be placed almost anywhere, and placing the open ones first, in every order, before the operation that
            // tells them apart is exponential in how many are open.
            var cursor = _head.Next;
            bool indeterminatePhase = false;
            Entry? firstReturn = null;
            bool triedInterchangeable = false;
            long steps = 0;
            while (definiteLeft > 0)
            {
                if (++steps > _maxSteps)
                {
                    return new LinearizabilityResult(register, _ops.Length, false, true,
                        $"gave up after {_maxSteps:N0} search steps with {depth} of {_ops.Length} operations placed");
                }

                Entry? candidate;
                if (!indeterminatePhase)
                {
                    // Every definite operation has a return event, so while one is unplaced the list holds a return.
                    if (cursor!.IsCall)
                    {
                        candidate = cursor;
                    }
                    else
                    {
                        firstReturn = cursor;
                        indeterminatePhase = true;
                        cursor = _indeterminateHead.Next;
                        continue;
                    }
                }
                else if (cursor is not null && cursor.Time <= firstReturn!.Time)
                {
                    candidate = cursor;
                }
                else
                {
                    // Nothing open can be placed here: the first pending return's operation cannot fit. Back up.
                    if (depth >= _bestDepth)
                    {
                        _bestDepth = depth;
                        _bestExplanation = Explain(firstReturn!, state, depth, stack);
                    }

                    if (stack.Count == 0)
                    {
                        return new LinearizabilityResult(register, _ops.Length, false, false, _bestExplanation);
                    }

                    var top = stack.Pop();
                    state = top.Before;
                    depth--;
                    SetPlaced(top.Call.Op, false);
                    hash ^= _opHash[top.Call.Op];
                    bool definite = _ops[top.Call.Op].IsDefinite;
                    if (definite)
                    {
                        definiteLeft++;
                    }

                    Unlift(top.Call);
                    cursor = top.Call.Next;
                    indeterminatePhase = !definite;
                    firstReturn = definite ? null : FirstReturn();
                    triedInterchangeable = top.TriedInterchangeable || _interchangeable[top.Call.Op];
                    continue;
                }

                var op = _steps[candidate.Op];
                int predecessor = _sessionPredecessor[candidate.Op];
                bool eligible = predecessor < 0 || IsPlaced(predecessor);
                if (eligible && _interchangeable[candidate.Op])
                {
                    if (triedInterchangeable)
                    {
                        cursor = candidate.Next;
                        continue;
                    }
                }

                if (eligible && RegisterModel.Step(state, op, out var next))
                {
                    SetPlaced(candidate.Op, true);
                    if (_cache.Add(new CacheKey(hash ^ _opHash[candidate.Op], next, (ulong[])_placed.Clone())))
                    {
                        hash ^= _opHash[candidate.Op];
                        stack.Push(new Placed(candidate, state, triedInterchangeable));
                        state = next;
                        depth++;
                        if (op.IsDefinite)
                        {
                            definiteLeft--;
                        }

                        Lift(candidate);
                        cursor = _head.Next;
                        indeterminatePhase = false;
                        triedInterchangeable = false;
                        continue;
                    }

                    SetPlaced(candidate.Op, false);
                }

                triedInterchangeable |= eligible && _interchangeable[candidate.Op];
                cursor = candidate.Next;
            }

            return new LinearizabilityResult(register, _ops.Length, true, false, null);
        }

        private Entry FirstReturn()
        {
            var entry = _head.Next;
            while (entry!.IsCall)
            {
                entry = entry.Next;
            }

            return entry;
        }

        private string Explain(Entry blocked, RegisterState state, int depth, Stack<Placed> placed)
        {
            var text = new StringBuilder();
            text.Append($"at most {depth} of {_ops.Length} operations could be placed; then the register was {state} and this one could not be:\n    {_ops[blocked.Op]}");
            text.Append("\n  the last operations placed before it (latest first):");
            foreach (var p in placed.Take(6))
            {
                text.Append("\n    ").Append(_ops[p.Call.Op]);
            }

            var open = new List<RegisterOperation>();
            foreach (var head in (Entry[])[_head, _indeterminateHead])
            {
                for (var e = head.Next; e is not null && e.Time <= blocked.Time && open.Count < 8; e = e.Next)
                {
                    if (e.IsCall && e.Op != blocked.Op)
                    {
                        open.Add(_ops[e.Op]);
                    }
                }
            }

            if (open.Count > 0)
            {
                text.Append("\n  operations still open then:");
                foreach (var op in open)
                {
                    text.Append("\n    ").Append(op);
                }
            }

            return text.ToString();
        }

        private void BuildEvents()
        {
            var events = new List<Entry>(_ops.Length * 2);
            var indeterminate = new List<Entry>();
            for (int i = 0; i < _ops.Length; i++)
            {
                var call = new Entry(i, isCall: true, _ops[i].Invoked);
                if (_ops[i].IsDefinite)
                {
                    var ret = new Entry(i, isCall: false, _ops[i].Completed);
                    call.Match = ret;
                    events.Add(call);
                    events.Add(ret);
                }
                else
                {
                    indeterminate.Add(call);
                }
            }

            // On a tie a call goes first: the two operations then overlap, which can only allow more orders.
            events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.IsCall.CompareTo(a.IsCall));
            Link(_head, events);
            Link(_indeterminateHead, indeterminate.OrderBy(e => e.Time));
        }

        private static void Link(Entry head, IEnumerable<Entry> entries)
        {
            var previous = head;
            foreach (var e in entries)
            {
                previous.Next = e;
                e.Previous = previous;
                previous = e;
            }
        }

        /// <summary>For each operation, the latest definite operation its session issued before it on this register.</summary>
        private static int[] SessionPredecessors(RegisterOperation[] ops)
        {
            var predecessor = new int[ops.Length];
            Array.Fill(predecessor, -1);
            foreach (var session in Enumerable.Range(0, ops.Length).GroupBy(i => ops[i].Session))
            {
                int last = -1;
                foreach (int i in session.OrderBy(i => ops[i].Invoked).ThenBy(i => i))
                {
                    predecessor[i] = last;
                    if (ops[i].IsDefinite)
                    {
                        last = i;
                    }
                }
            }

            return predecessor;
        }

        private static void Lift(Entry call)
        {
            call.Previous!.Next = call.Next;
            if (call.Next is not null)
            {
                call.Next.Previous = call.Previous;
            }

            if (call.Match is { } ret)
            {
                ret.Previous!.Next = ret.Next;
                if (ret.Next is not null)
                {
                    ret.Next.Previous = ret.Previous;
                }
            }
        }

        private static void Unlift(Entry call)
        {
            if (call.Match is { } ret)
            {
                ret.Previous!.Next = ret;
                if (ret.Next is not null)
                {
                    ret.Next.Previous = ret;
                }
            }

            call.Previous!.Next = call;
            if (call.Next is not null)
            {
                call.Next.Previous = call;
            }
        }

        private bool IsPlaced(int op) => (_placed[op >> 6] & (1UL << (op & 63))) != 0;

        private void SetPlaced(int op, bool value)
        {
            if (value)
            {
                _placed[op >> 6] |= 1UL << (op & 63);
            }
            else
            {
                _placed[op >> 6] &= ~(1UL << (op & 63));
            }
        }
    }

    /// <summary>A configuration already explored: which operations are placed, and the state they left.</summary>
    private readonly struct CacheKey(ulong hash, RegisterState state, ulong[] placed) : IEquatable<CacheKey>
    {
        private readonly ulong _hash = hash;
        private readonly RegisterState _state = state;
        private readonly ulong[] _placed = placed;

        public bool Equals(CacheKey other) => _hash == other._hash && _state == other._state && _placed.AsSpan().SequenceEqual(other._placed);

        public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_hash, _state);
    }
}
