namespace CoordAspire.FaultInjection.Tests.Checker;

/// <summary>A register's state: its value and its znode version (every setData adds one, as <c>DataTree.setData</c>
/// does), so that a write's returned version says how many writes came before it.</summary>
public readonly record struct RegisterState(long Value, int Version)
{
    public override string ToString() => $"{Value} (version {Version})";
}

/// <summary>
/// The sequential specification a ZooKeeper register must look like: a single copy, where each operation takes
/// effect at one instant between its invocation and its completion (Herlihy and Wing's linearizability).
/// </summary>
public static class RegisterModel
{
    /// <summary>Whether <paramref name="operation"/> can take effect on <paramref name="state"/> with the answer its
    /// client saw, and the state after it. An indeterminate operation is modelled as having taken effect: that it
    /// may not have is the checker's business (it need not place it at all).</summary>
    public static bool Step(RegisterState state, RegisterOperation operation, out RegisterState next)
    {
        next = state;
        switch (operation.Kind, operation.Outcome)
        {
            case (RegisterOpKind.Read, Outcome.Ok):
                return state.Value == operation.ObservedValue && state.Version == operation.ObservedVersion;
            case (RegisterOpKind.Write, Outcome.Ok):
                next = new RegisterState(operation.Value, state.Version + 1);
                return operation.ObservedVersion == state.Version + 1;
            case (RegisterOpKind.Write, Outcome.Indeterminate):
                next = new RegisterState(operation.Value, state.Version + 1);
                return true;
            case (RegisterOpKind.CompareAndSet, Outcome.Ok):
                next = new RegisterState(operation.Value, state.Version + 1);
                return state.Version == operation.ExpectedVersion && operation.ObservedVersion == state.Version + 1;
            case (RegisterOpKind.CompareAndSet, Outcome.Failed):
                return state.Version != operation.ExpectedVersion;
            case (RegisterOpKind.CompareAndSet, Outcome.Indeterminate):
                // Had the version not matched it would have failed: no effect, the same as not placing it.
                next = new RegisterState(operation.Value, state.Version + 1);
                return state.Version == operation.ExpectedVersion;
            default:
                throw new ArgumentException($"a {operation.Kind} that {operation.Outcome} is not part of a register history: {operation}", nameof(operation));
        }
    }
}
