using CoordAspire.Protocol;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Storage;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Current zxid {Zxid:x} is <= {LastZxid:x} for {Type}")]
    public static partial void ZxidNotIncreasing(ILogger logger, long zxid, long lastZxid, OpCode type);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "fsync-ing the write ahead log took {Milliseconds}ms which will adversely effect operation latency. File size is {FileSize} bytes")]
    public static partial void SlowFsync(ILogger logger, long milliseconds, long fileSize);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Deleted log file {Path}: it starts after zxid {Zxid:x}")]
    public static partial void LogFileDeleted(ILogger logger, string path, long zxid);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Truncated log file {Path} to {Length} bytes")]
    public static partial void LogFileTruncated(ILogger logger, string path, long length);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Log file {Path} holds invalid data after its last valid entry at {ValidLength} of {FileLength} bytes ({Reason}); cutting it there")]
    public static partial void TornLogTail(ILogger logger, string path, long validLength, long fileLength, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Reading snapshot {Path}")]
    public static partial void ReadingSnapshot(ILogger logger, string path);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "problem reading snap file {Path}")]
    public static partial void InvalidSnapshot(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "{Count} txns loaded in {Milliseconds} ms; last zxid 0x{Zxid:x}")]
    public static partial void TxnsLoaded(ILogger logger, int count, long milliseconds, long zxid);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Snapshotting: 0x{Zxid:x} to {Path}")]
    public static partial void Snapshotting(ILogger logger, long zxid, string path);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Removing file: {Path}")]
    public static partial void Purging(ILogger logger, string path);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "{Count} nodes of snapshot {Path} name ACLs missing from its ACL map (a fuzzy snapshot; replaying the log sets them)")]
    public static partial void DanglingAcls(ILogger logger, int count, string path);
}
