namespace CoordAspire.Protocol;

/// <summary>The <c>flags</c> of a create request (<c>CreateMode</c>). Persisted: values never change.</summary>
public enum CreateMode
{
    Persistent = 0,
    Ephemeral = 1,
    PersistentSequential = 2,
    EphemeralSequential = 3,
    Container = 4,
    PersistentWithTtl = 5,
    PersistentSequentialWithTtl = 6,
}

public static class CreateModeExtensions
{
    /// <summary><c>CreateMode.fromFlag</c>: null for a flag that names no mode.</summary>
    public static CreateMode? FromFlag(int flag) => flag is >= 0 and <= 6 ? (CreateMode)flag : null;

    public static bool IsSequential(this CreateMode mode) =>
        mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;

    public static bool IsEphemeral(this CreateMode mode) => mode is CreateMode.Ephemeral or CreateMode.EphemeralSequential;

    public static bool IsContainer(this CreateMode mode) => mode == CreateMode.Container;

    public static bool IsTtl(this CreateMode mode) => mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;
}
