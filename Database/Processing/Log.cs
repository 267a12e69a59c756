using CoordAspire.Protocol;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database;

/// <summary>
/// Log messages of the request processor, source-generated. A line about a session has its id as the field
/// <c>SessionId</c>, a line about a transaction its zxid as <c>Zxid</c>, both <see cref="HexField"/>s (0x…, as ZooKeeper
/// prints them and our spans carry them), so that the dashboard's structured logs filter by them.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Refusing session request for client as it has seen zxid {ClientZxid} (session {SessionId}); our last zxid is {Zxid}; client must try another server")]
    public static partial void ClientZxidAhead(ILogger logger, HexField sessionId, HexField clientZxid, HexField zxid);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Established session {SessionId} with negotiated timeout {Timeout} (zxid {Zxid})")]
    public static partial void SessionEstablished(ILogger logger, HexField sessionId, int timeout, HexField zxid);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Invalid session {SessionId}, probably expired")]
    public static partial void InvalidSession(ILogger logger, HexField sessionId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Expiring session {SessionId}, timeout of {Timeout}ms exceeded (zxid {Zxid})")]
    public static partial void SessionExpired(ILogger logger, HexField sessionId, int timeout, HexField zxid);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Session {SessionId} closed by the client (zxid {Zxid})")]
    public static partial void SessionClosed(ILogger logger, HexField sessionId, HexField zxid);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Received packet of unknown type {Type} from session {SessionId}; answering UNIMPLEMENTED and closing")]
    public static partial void UnknownPacket(ILogger logger, HexField sessionId, int type);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Authentication failed for scheme {Scheme} (session {SessionId})")]
    public static partial void AuthFailed(ILogger logger, HexField sessionId, string scheme);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Removed {Kind} node {Path} (zxid {Zxid})")]
    public static partial void NodeReaped(ILogger logger, string kind, string path, HexField zxid);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Request {Type} xid {Xid} of session {SessionId} failed: {Error}")]
    public static partial void RequestFailed(ILogger logger, HexField sessionId, int xid, OpCode type, ErrorCode error);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "Request {Type} xid {Xid} of session {SessionId} failed: {Error} (zxid {Zxid})")]
    public static partial void WriteFailed(ILogger logger, HexField sessionId, int xid, OpCode type, ErrorCode error, HexField zxid);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Writes stopped: the transaction log failed ({Reason}); reads continue, writes are answered NOTREADONLY until the server is restarted")]
    public static partial void WritesStopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Established {Kind} session {SessionId} with negotiated timeout {Timeout}")]
    public static partial void LocalSessionEstablished(ILogger logger, HexField sessionId, int timeout, string kind);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Refusing global session {SessionId} reconnection in read-only mode")]
    public static partial void GlobalSessionRefused(ILogger logger, HexField sessionId);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "Local session {SessionId} closed by the client")]
    public static partial void LocalSessionClosed(ILogger logger, HexField sessionId);

    [LoggerMessage(EventId = 115, Level = LogLevel.Information, Message = "Expiring local session {SessionId}, timeout of {Timeout}ms exceeded")]
    public static partial void LocalSessionExpired(ILogger logger, HexField sessionId, int timeout);

    [LoggerMessage(EventId = 117, Level = LogLevel.Information, Message = "Upgrading session {SessionId}: it creates an ephemeral node")]
    public static partial void UpgradingSession(ILogger logger, HexField sessionId);

    [LoggerMessage(EventId = 116, Level = LogLevel.Information, Message = "Refusing session request for not-read-only client {RemoteAddress}")]
    public static partial void NotReadOnlyClientRefused(ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Malformed {Type} request from session {SessionId}: {Reason}")]
    public static partial void MalformedRequest(ILogger logger, HexField sessionId, OpCode type, string reason);
}
