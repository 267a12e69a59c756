using System.Net;
using Microsoft.Extensions.Logging;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Starting CoordAspire {Version} (ZooKeeper {Compatibility} protocol) from {ConfigFile}")]
    public static partial void Starting(ILogger logger, string version, string compatibility, string configFile);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Server {ServerId} of an ensemble of {Count}: {Servers}")]
    public static partial void EnsembleMember(ILogger logger, long serverId, int count, string servers);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Created server with tickTime {TickTime} ms minSessionTimeout {MinSessionTimeout} ms maxSessionTimeout {MaxSessionTimeout} ms clientPortListenBacklog {Backlog} datadir {DataDir} datalogdir {DataLogDir}")]
    public static partial void Created(ILogger logger, int tickTime, int minSessionTimeout, int maxSessionTimeout, int backlog, string dataDir, string dataLogDir);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "binding to port {EndPoint}")]
    public static partial void Binding(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Using checkIntervalMs={CheckIntervalMs} maxPerMinute={MaxPerMinute} extendedTypesEnabled={ExtendedTypesEnabled}")]
    public static partial void Containers(ILogger logger, int checkIntervalMs, int maxPerMinute, bool extendedTypesEnabled);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "The list of enabled four letter word commands is : [{Commands}]")]
    public static partial void FourLetterWords(ILogger logger, string commands);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Serving clients on {EndPoint} in {Mode} mode")]
    public static partial void Started(ILogger logger, IPEndPoint endPoint, string mode);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Shutting down")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Shut down")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Purging old snapshots and logs failed")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
