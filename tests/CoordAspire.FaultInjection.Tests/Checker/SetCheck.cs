namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>One attempt to add an element to the set (a create of <c>/set/element</c>) and what the client learned.</summary>
public sealed record SetAddition(int Session, string Element, Outcome Outcome, long Invoked, long Completed)
{
    /// <summary>The server that acknowledged it, when known.</summary>
    public string? Server { get; init; }

    public override string ToString() => $"{Element} by session {Session} [{Invoked}, {Completed}]{(Server is null ? "" : " at " + Server)}";
}

/// <summary>The verdict on the set: acknowledged additions missing at the end (lost writes), and elements present
/// that no client ever tried to add.</summary>
public sealed record SetCheckResult(int Acknowledged, int Indeterminate, int Present, IReadOnlyList<SetAddition> Lost, IReadOnlyList<string> Unexpected)
{
    public bool IsValid => Lost.Count == 0 && Unexpected.Count == 0;

    public override string ToString() =>
        $"set: {Acknowledged} acknowledged additions, {Indeterminate} indeterminate, {Present} present at the end; "
        + $"{Lost.Count} lost{(Lost.Count > 0 ? " (" + string.Join(", ", Lost.Take(5)) + ")" : "")}, "
        + $"{Unexpected.Count} unexpected{(Unexpected.Count > 0 ? " (" + string.Join(", ", Unexpected.Take(5)) + ")" : "")}";
}

/// <summary>Jepsen's set workload: after the faults heal, a final read must hold every acknowledged addition; an
/// indeterminate one may be there or not; nothing else may be.</summary>
public static class SetCheck
{
    public static SetCheckResult Check(IReadOnlyCollection<SetAddition> additions, IReadOnlyCollection<string> finalRead)
    {
        var present = finalRead.ToHashSet(StringComparer.Ordinal);
        var attempted = additions.Select(a => a.Element).ToHashSet(StringComparer.Ordinal);
        var acknowledged = additions.Where(a => a.Outcome is Outcome.Ok).ToArray();
        var lost = acknowledged.Where(a => !present.Contains(a.Element)).ToArray();
        var unexpected = present.Where(e => !attempted.Contains(e)).Order(StringComparer.Ordinal).ToArray();
        return new SetCheckResult(acknowledged.Length, additions.Count(a => a.Outcome is Outcome.Indeterminate), present.Count, lost, unexpected);
    }
}
