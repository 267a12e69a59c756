using CoordAspire.Configuration;
using CoordAspire.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// CoordAspire.Node <zoo.cfg> [host settings such as --Logging:LogLevel:Default=Debug]
// CoordAspire.Node [host settings]                 (zoo.cfg composed from ZOO_* variables, as the ZooKeeper image does)
// CoordAspire.Node purge <zoo.cfg> [-n count]      (zkCleanup.sh: keep the newest count snapshots, default 3)
// CoordAspire.Node status [zoo.cfg]                (zkServer.sh status: the server's Mode; without zoo.cfg, ZOO_* variables)
if (args is ["-h" or "--help", ..])
{
    Console.Error.WriteLine("usage: CoordAspire.Node <zoo.cfg> [--Logging:LogLevel:Default=Debug ...]");
    Console.Error.WriteLine("       CoordAspire.Node [--Logging:LogLevel:Default=Debug ...]   (configured by ZOO_* environment variables)");
    Console.Error.WriteLine("       CoordAspire.Node purge <zoo.cfg> [-n count]");
    Console.Error.WriteLine("       CoordAspire.Node status [zoo.cfg]   (without zoo.cfg: the ZOO_* environment variables)");
    return 2;
}

if (args is ["purge", ..])
{
    return CoordAspire.Node.Persistence.PurgeCommand.Run(args[1..], ResolveConfigPath);
}

if (args is ["status", ..])
{
    return await CoordAspire.Node.Commands.StatusCommand.RunAsync(args[1..], ResolveConfigPath);
}

// A first argument that is not a --setting is the zoo.cfg; without one, the environment describes the node.
string? configFile = args is [var first, ..] && !first.StartsWith('-') ? first : null;
string[] hostArgs = configFile is null ? args : args[1..];

ZooConfig config;
try
{
    config = configFile is null
        ? ZooEnvironment.Load(Environment.GetEnvironmentVariable)
        : ZooConfigParser.Parse(ResolveConfigPath(configFile));

    // What zkServer.sh would have put on the java command line (-Dreadonlymode.enabled=true in SERVER_JVMFLAGS).
    config = JvmFlags.Apply(config, JvmFlags.FromEnvironment(Environment.GetEnvironmentVariable));
    _ = config.ResolveClientEndPoint();
}
catch (ZooConfigException e)
{
    // ZooKeeper exits with 2 (ExitCode.INVALID_INVOCATION) on a configuration it cannot use.
    Console.Error.WriteLine(e.Message);
    return 2;
}

// The content root is the program's own directory, not the working directory: the host watches its content root for
// configuration changes, and a dataDir under the working directory (dataDir=./data, as install guides write it) would
// make every log write and snapshot an event for that watcher (about a tenth of a core under load).
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.UseUtcTimestamp = true;
    options.TimestampFormat = "yyyy-MM-dd HH:mm:ss,fff ";
});

// The template's appsettings.json level, in code since a Node has no settings file: the AppHost polls /health every
// few seconds, and a line per request would bury the node's own story.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.AddCoordNode(config);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAdminCommands(app.Services.GetRequiredService<NodeServer>());

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
{
    // The client port is taken, or the like: said plainly, without a stack trace.
    Console.Error.WriteLine($"CoordAspire.Node: {e.Message}");
    return 1;
}

// A relative path is taken from the working directory, or else from beside the executable, where the build copies
// conf/ (so that `dotnet run --project Node -- conf/zoo.cfg` works from the repository root).
static string ResolveConfigPath(string path)
{
    if (Path.IsPathRooted(path) || File.Exists(path))
    {
        return path;
    }

    string besideExecutable = Path.Combine(AppContext.BaseDirectory, path);
    return File.Exists(besideExecutable) ? besideExecutable : path;
}
