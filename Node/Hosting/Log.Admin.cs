using System.Net;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Hosting;

/// <summary>The AdminServer's and the environment configuration's messages (event ids 60 to 69).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Started AdminServer on {EndPoint}, command URL {CommandUrl}; health at /health and /alive")]
    public static partial void AdminServerStarted(ILogger logger, IPEndPoint endPoint, string commandUrl);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Problem starting AdminServer on {EndPoint}: {Reason}; the node runs without it (set admin.serverPort, or admin.enableServer=false)")]
    public static partial void AdminServerFailed(ILogger logger, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "AdminServer is disabled (admin.enableServer=false)")]
    public static partial void AdminServerDisabled(ILogger logger);
}
