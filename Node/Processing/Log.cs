using CoordAspire.Database;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Processing;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Request loop started")]
    public static partial void LoopStarted(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Request loop stopped")]
    public static partial void LoopStopped(ILogger logger);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Closing connection from {RemoteAddress} (session {SessionId}): malformed request: {Reason}")]
    public static partial void MalformedPacket(ILogger logger, string remoteAddress, HexField sessionId, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Processing a {What} failed (client {RemoteAddress}, session {SessionId})")]
    public static partial void ProcessingFailed(ILogger logger, string what, string remoteAddress, HexField sessionId, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Writing {Count} transactions to the log failed: the server stops taking writes; reads continue")]
    public static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Snapshot abandoned; the previous snapshot and the log still hold every transaction")]
    public static partial void SnapshotChunkFailed(ILogger logger, Exception exception);
}
