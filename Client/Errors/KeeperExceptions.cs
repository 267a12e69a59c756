using CoordAspire.Protocol;

namespace CoordAspire.Client;

// One class per common ZooKeeper error code. The (path, message) constructor is what KeeperException.Create calls.

public sealed class NoNodeException(string? path = null, string? message = null) : KeeperException(ErrorCode.NoNode, path, message);

public sealed class NodeExistsException(string? path = null, string? message = null) : KeeperException(ErrorCode.NodeExists, path, message);

public sealed class BadVersionException(string? path = null, string? message = null) : KeeperException(ErrorCode.BadVersion, path, message);

public sealed class NotEmptyException(string? path = null, string? message = null) : KeeperException(ErrorCode.NotEmpty, path, message);

public sealed class NoAuthException(string? path = null, string? message = null) : KeeperException(ErrorCode.NoAuth, path, message);

public sealed class NoChildrenForEphemeralsException(string? path = null, string? message = null)
    : KeeperException(ErrorCode.NoChildrenForEphemerals, path, message);

public sealed class InvalidAclException(string? path = null, string? message = null) : KeeperException(ErrorCode.InvalidAcl, path, message);

public sealed class BadArgumentsException(string? path = null, string? message = null) : KeeperException(ErrorCode.BadArguments, path, message);

public sealed class NoWatcherException(string? path = null, string? message = null) : KeeperException(ErrorCode.NoWatcher, path, message);

/// <summary>The session is gone (or the client was closed): nothing done with this client can succeed any more.</summary>
public sealed class SessionExpiredException(string? path = null, string? message = null) : KeeperException(ErrorCode.SessionExpired, path, message);

/// <summary>
/// The connection was lost before the reply arrived: the request may or may not have been applied. The client is
/// reconnecting; the session, its ephemerals and its watches survive if it succeeds within the session timeout.
/// </summary>
public sealed class ConnectionLossException(string? path = null, string? message = null, Exception? inner = null)
    : KeeperException(ErrorCode.ConnectionLoss, path, message, inner);

public sealed class AuthFailedException(string? path = null, string? message = null) : KeeperException(ErrorCode.AuthFailed, path, message);

public sealed class OperationTimeoutException(string? path = null, string? message = null) : KeeperException(ErrorCode.OperationTimeout, path, message);

public sealed class SessionMovedException(string? path = null, string? message = null) : KeeperException(ErrorCode.SessionMoved, path, message);

/// <summary>A change (or a sync) sent to a server in read-only mode: it has no quorum to write with.</summary>
public sealed class NotReadOnlyException(string? path = null, string? message = null) : KeeperException(ErrorCode.NotReadOnly, path, message);

public sealed class UnimplementedException(string? path = null, string? message = null) : KeeperException(ErrorCode.Unimplemented, path, message);
