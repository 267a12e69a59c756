using Microsoft.Extensions.Logging;

namespace CoordAspire.Client;

internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Connecting to {Host}")]
    public static partial void Connecting(ILogger logger, string host);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Session 0x{SessionId:x} established on {Host}, negotiated timeout {TimeoutMs} ms")]
    public static partial void SessionEstablished(ILogger logger, long sessionId, string host, int timeoutMs);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Connection to {Host} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Connection to {Host} (session 0x{SessionId:x}) lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string host, long sessionId, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Session 0x{SessionId:x} expired")]
    public static partial void SessionExpired(ILogger logger, long sessionId);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Authentication failed for session 0x{SessionId:x}")]
    public static partial void AuthFailed(ILogger logger, long sessionId);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Session 0x{SessionId:x} closed")]
    public static partial void SessionClosed(ILogger logger, long sessionId);

    [LoggerMessage(EventId = 307, Level = LogLevel.Error, Message = "A watcher failed while handling {Event}")]
    public static partial void WatcherFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Event {Event} arrived after the client stopped dispatching")]
    public static partial void DispatcherStopped(ILogger logger, string @event);

    [LoggerMessage(EventId = 309, Level = LogLevel.Warning, Message = "Re-registering watches on session 0x{SessionId:x} failed with {Error}")]
    public static partial void SetWatchesFailed(ILogger logger, long sessionId, string error);

    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "Re-registering {Count} watches on session 0x{SessionId:x} from zxid 0x{Zxid:x}")]
    public static partial void SettingWatches(ILogger logger, int count, long sessionId, long zxid);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Closing session 0x{SessionId:x} failed: {Reason}")]
    public static partial void CloseSessionFailed(ILogger logger, long sessionId, string reason);

    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "Session 0x{SessionId:x} established on {Host} in read-only mode, negotiated timeout {TimeoutMs} ms")]
    public static partial void ReadOnlySessionEstablished(ILogger logger, long sessionId, string host, int timeoutMs);

    [LoggerMessage(EventId = 314, Level = LogLevel.Information, Message = "Read-write server found at {Host}; leaving the read-only server {ReadOnlyHost}")]
    public static partial void ReadWriteServerFound(ILogger logger, string host, string readOnlyHost);

    [LoggerMessage(EventId = 315, Level = LogLevel.Error, Message = "A client that cannot be read-only was given a read-only session by {Host}")]
    public static partial void UnexpectedReadOnlySession(ILogger logger, string host);

    [LoggerMessage(EventId = 312, Level = LogLevel.Error, Message = "The connection loop of session 0x{SessionId:x} failed; reconnecting")]
    public static partial void SessionLoopFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Session 0x{SessionId:x} got the reply for xid {Got} while waiting for xid {Expected}: the server answered out of order; dropping the connection")]
    public static partial void ReplyOutOfOrder(ILogger logger, long sessionId, int got, int expected);
}
