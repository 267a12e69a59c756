namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>What a client asked of a register (a znode whose data is a number).</summary>
public enum RegisterOpKind
{
    /// <summary><c>sync</c> then <c>getData</c>: the value and the version it saw.</summary>
    Read,

    /// <summary><c>setData(path, value, -1)</c>: the version it made.</summary>
    Write,

    /// <summary><c>setData(path, value, expectedVersion)</c>: the version it made, or BadVersion.</summary>
    CompareAndSet,
}

/// <summary>How the client learned the operation ended.</summary>
public enum Outcome
{
    /// <summary>The server answered success: the operation took effect, once.</summary>
    Ok,

    /// <summary>The server answered a definite refusal (BadVersion): the operation had no effect.</summary>
    Failed,

    /// <summary>The client never learned (ConnectionLoss, an expired session): it took effect once or not at all,
    /// at some point after it was invoked (Knossos's <c>:info</c>).</summary>
    Indeterminate,
}

/// <summary>
/// One operation of a history: invoked and completed at client-side timestamps (<see cref="System.Diagnostics.Stopwatch"/>
/// ticks), by one session — the unit of ZooKeeper's FIFO client order. Values are unique per write, so a read names
/// the write it saw.
/// </summary>
public sealed record RegisterOperation(
    int Session,
    string Register,
    RegisterOpKind Kind,
    long Value,
    int ExpectedVersion,
    Outcome Outcome,
    long ObservedValue,
    int ObservedVersion,
    long Invoked,
    long Completed)
{
    /// <summary>The server that answered (a read: the one whose state it saw), when known.</summary>
    public string? Server { get; init; }

    /// <summary>Whether the server that answered ran Apache ZooKeeper then (in a mixed ensemble).</summary>
    public bool AnsweredByApache { get; init; }

    /// <summary>Whether the client knows whether it took effect (it must then be placed in the linearization).</summary>
    public bool IsDefinite => Outcome is not Outcome.Indeterminate;

    public override string ToString() => Kind switch
    {
        RegisterOpKind.Read => $"session {Session}: read {Register} → {Describe()} [{Invoked}, {Completed}]{(Server is null ? "" : " at " + Server)}",
        RegisterOpKind.Write => $"session {Session}: write {Register} := {Value} → {Describe()} [{Invoked}, {Completed}]",
        _ => $"session {Session}: cas {Register} (version {ExpectedVersion}) := {Value} → {Describe()} [{Invoked}, {Completed}]",
    };

    private string Describe() => Outcome switch
    {
        Outcome.Ok when Kind is RegisterOpKind.Read => $"{ObservedValue} (version {ObservedVersion})",
        Outcome.Ok => $"version {ObservedVersion}",
        Outcome.Failed => "BadVersion",
        _ => "indeterminate",
    };
}
