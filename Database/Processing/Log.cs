using CoordAspire.Protocol;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database;

/// <summary>Log messages of the request processor, source-generated. Session ids and zxids are fields, in hex as ZooKeeper prints them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Refusing session request for client as it has seen zxid 0x{ClientZxid:x} (session 0x{SessionId:x}); our last zxid is 0x{OurZxid:x}; client must try another server")]
    public static partial void ClientZxidAhead(ILogger logger, long sessionId, long clientZxid, long ourZxid);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Established session 0x{SessionId:x} with negotiated timeout {Timeout}")]
    public static partial void SessionEstablished(ILogger logger, long sessionId, int timeout);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Invalid session 0x{SessionId:x}, probably expired")]
    public static partial void InvalidSession(ILogger logger, long sessionId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Expiring session 0x{SessionId:x}, timeout of {Timeout}ms exceeded")]
    public static partial void SessionExpired(ILogger logger, long sessionId, int timeout);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Session 0x{SessionId:x} closed by the client (zxid 0x{Zxid:x})")]
    public static partial void SessionClosed(ILogger logger, long sessionId, long zxid);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Received packet of unknown type {Type} from session 0x{SessionId:x}; answering UNIMPLEMENTED and closing")]
    public static partial void UnknownPacket(ILogger logger, long sessionId, int type);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Authentication failed for scheme {Scheme} (session 0x{SessionId:x})")]
    public static partial void AuthFailed(ILogger logger, long sessionId, string scheme);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Removed {Kind} node {Path} (zxid 0x{Zxid:x})")]
    public static partial void NodeReaped(ILogger logger, string kind, string path, long zxid);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Request {Type} xid {Xid} of session 0x{SessionId:x} failed: {Error}")]
    public static partial void RequestFailed(ILogger logger, long sessionId, int xid, OpCode type, ErrorCode error);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Writes stopped: the transaction log failed ({Reason}); reads continue, writes are answered NOTREADONLY until the server is restarted")]
    public static partial void WritesStopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Malformed {Type} request from session 0x{SessionId:x}: {Reason}")]
    public static partial void MalformedRequest(ILogger logger, long sessionId, OpCode type, string reason);
}
