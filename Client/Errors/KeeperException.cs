using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// A request failed with a ZooKeeper error code (<c>KeeperException</c>). The common codes have their own
/// subclasses (<see cref="NoNodeException"/>, <see cref="NodeExistsException"/>, ...) so callers can catch exactly
/// what they expect; <see cref="Create"/> picks the right one.
/// </summary>
public class KeeperException : Exception
{
    public KeeperException(ErrorCode code, string? path = null, string? message = null, Exception? inner = null)
        : base(message ?? Describe(code, path), inner)
    {
        Code = code;
        Path = path;
    }

    public KeeperException()
        : this(ErrorCode.SystemError)
    {
    }

    public KeeperException(string message)
        : this(ErrorCode.SystemError, null, message)
    {
    }

    public KeeperException(string message, Exception inner)
        : this(ErrorCode.SystemError, null, message, inner)
    {
    }

    public ErrorCode Code { get; }

    /// <summary>The path the request named, as the caller gave it (chroot not included); null when none applies.</summary>
    public string? Path { get; }

    /// <summary>For a failed <c>multi</c>: the result of every operation, the failed one an <see cref="ErrorResult"/>
    /// with <see cref="Code"/>, as Java's <c>KeeperException.getResults()</c>; null otherwise.</summary>
    public IReadOnlyList<OpResult>? Results { get; internal set; }

    /// <summary>For a failed <c>multi</c>: the index of the first operation that failed; -1 otherwise.</summary>
    public int FailedOperationIndex { get; internal set; } = -1;

    /// <summary>The exception for <paramref name="code"/>: a specific subclass where there is one.</summary>
    public static KeeperException Create(ErrorCode code, string? path = null, string? message = null) => code switch
    {
        ErrorCode.NoNode => new NoNodeException(path, message),
        ErrorCode.NodeExists => new NodeExistsException(path, message),
        ErrorCode.BadVersion => new BadVersionException(path, message),
        ErrorCode.NotEmpty => new NotEmptyException(path, message),
        ErrorCode.NoAuth => new NoAuthException(path, message),
        ErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path, message),
        ErrorCode.InvalidAcl => new InvalidAclException(path, message),
        ErrorCode.BadArguments => new BadArgumentsException(path, message),
        ErrorCode.NoWatcher => new NoWatcherException(path, message),
        ErrorCode.SessionExpired => new SessionExpiredException(path, message),
        ErrorCode.ConnectionLoss => new ConnectionLossException(path, message),
        ErrorCode.AuthFailed => new AuthFailedException(path, message),
        ErrorCode.OperationTimeout => new OperationTimeoutException(path, message),
        ErrorCode.SessionMoved => new SessionMovedException(path, message),
        ErrorCode.Unimplemented => new UnimplementedException(path, message),
        ErrorCode.NotReadOnly => new NotReadOnlyException(path, message),
        _ => new KeeperException(code, path, message),
    };

    /// <summary>Java's <c>KeeperException.getMessage()</c>: "KeeperErrorCode = NoNode for /a".</summary>
    public static string Describe(ErrorCode code, string? path) =>
        path is null ? $"KeeperErrorCode = {code}" : $"KeeperErrorCode = {code} for {path}";
}
