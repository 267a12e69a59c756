using System.Net;
using System.Net.Sockets;
using CoordAspire.Database;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Network;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Listening for clients on {EndPoint} (maxClientCnxns {MaxClientCnxns})")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, int maxClientCnxns);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Too many connections from {Address} - max is {MaxClientCnxns} (has {Current})")]
    public static partial void TooManyConnections(ILogger logger, IPAddress address, int maxClientCnxns, int current);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Accepting a client connection failed ({Error})")]
    public static partial void AcceptFailed(ILogger logger, SocketError error, Exception exception);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Connection {ConnectionId} accepted from {RemoteEndPoint}")]
    public static partial void ConnectionAccepted(ILogger logger, long connectionId, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {RemoteEndPoint} (session {SessionId}) closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, IPEndPoint remoteEndPoint, HexField sessionId, string reason);

    [LoggerMessage(EventId = 205, Level = LogLevel.Debug, Message = "Closing connection {ConnectionId} from {RemoteEndPoint} (session {SessionId}): {Reason}")]
    public static partial void ConnectionClosing(ILogger logger, long connectionId, IPEndPoint remoteEndPoint, HexField sessionId, string reason);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Closing connection from {RemoteEndPoint} (session {SessionId}): malformed frame: {Reason}")]
    public static partial void MalformedFrame(ILogger logger, IPEndPoint remoteEndPoint, HexField sessionId, string reason);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Closing connection from {RemoteEndPoint}: malformed connect request: {Reason}")]
    public static partial void MalformedConnect(ILogger logger, IPEndPoint remoteEndPoint, string reason);

    [LoggerMessage(EventId = 208, Level = LogLevel.Warning, Message = "Connection from {RemoteEndPoint} (session {SessionId}) ended inside a frame, {Bytes} bytes unread")]
    public static partial void TruncatedFrame(ILogger logger, IPEndPoint remoteEndPoint, HexField sessionId, long bytes);

    [LoggerMessage(EventId = 209, Level = LogLevel.Warning, Message = "Closing connection from {RemoteEndPoint} (session {SessionId}): {Backlog} bytes of replies are waiting for it")]
    public static partial void BacklogExceeded(ILogger logger, IPEndPoint remoteEndPoint, HexField sessionId, long backlog);

    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "Reading from {RemoteEndPoint} (session {SessionId}) failed")]
    public static partial void ReaderFailed(ILogger logger, IPEndPoint remoteEndPoint, HexField sessionId, Exception exception);

    [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "Processing {Command} command from {RemoteEndPoint}")]
    public static partial void FourLetterWord(ILogger logger, string command, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 212, Level = LogLevel.Error, Message = "The {Command} command failed")]
    public static partial void FourLetterWordFailed(ILogger logger, string command, Exception exception);
}
