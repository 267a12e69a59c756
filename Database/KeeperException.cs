using CoordAspire.Protocol;

namespace CoordAspire.Database;

/// <summary>A request that ZooKeeper answers with an error code: thrown while preparing or reading, turned into the reply's <c>err</c>.</summary>
public sealed class KeeperException : Exception
{
    public KeeperException(ErrorCode code, string? path = null)
        : base(path is null ? code.ToString() : $"{code} for {path}")
    {
        Code = code;
        Path = path;
    }

    public KeeperException() : this(ErrorCode.SystemError) { }

    public KeeperException(string message) : base(message) => Code = ErrorCode.SystemError;

    public KeeperException(string message, Exception inner) : base(message, inner) => Code = ErrorCode.SystemError;

    public ErrorCode Code { get; }

    public string? Path { get; }
}
