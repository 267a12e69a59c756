using CoordAspire.Node.Configuration;
using CoordAspire.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// CoordAspire.Node <zoo.cfg> [host settings such as --Logging:LogLevel:Default=Debug]
// CoordAspire.Node purge <zoo.cfg> [-n count]      (zkCleanup.sh: keep the newest count snapshots, default 3)
if (args.Length < 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: CoordAspire.Node <zoo.cfg> [--Logging:LogLevel:Default=Debug ...]");
    Console.Error.WriteLine("       CoordAspire.Node purge <zoo.cfg> [-n count]");
    return 2;
}

if (args[0] == "purge")
{
    return CoordAspire.Node.Persistence.PurgeCommand.Run(args[1..], ResolveConfigPath);
}

ZooConfig config;
try
{
    config = ZooConfigParser.Parse(ResolveConfigPath(args[0]));
    _ = config.ResolveClientEndPoint();
}
catch (ZooConfigException e)
{
    // ZooKeeper exits with 2 (ExitCode.INVALID_INVOCATION) on a configuration it cannot use.
    Console.Error.WriteLine(e.Message);
    return 2;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args[1..] });
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.UseUtcTimestamp = true;
    options.TimestampFormat = "yyyy-MM-dd HH:mm:ss,fff ";
});
builder.Services.AddSingleton(config);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<NodeServer>();
builder.Services.AddHostedService<NodeHostedService>();

try
{
    await builder.Build().RunAsync();
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
