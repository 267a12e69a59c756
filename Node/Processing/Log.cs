using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Processing;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Request loop started")]
    public static partial void LoopStarted(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Request loop stopped")]
    public static partial void LoopStopped(ILogger logger);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Closing connection from {RemoteAddress} (session 0x{SessionId:x}): malformed request: {Reason}")]
    public static partial void MalformedPacket(ILogger logger, string remoteAddress, long sessionId, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Processing a {What} failed (client {RemoteAddress}, session 0x{SessionId:x})")]
    public static partial void ProcessingFailed(ILogger logger, string what, string remoteAddress, long sessionId, Exception exception);
}
