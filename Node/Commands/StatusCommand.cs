using System.Net.Sockets;
using System.Text;
using CoordAspire.Configuration;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>CoordAspire.Node status [zoo.cfg]</c>: what <c>zkServer.sh status</c> prints — the client port it found in
/// the configuration and the <c>Mode:</c> line of the server's <c>srvr</c> answer (standalone, leader, follower,
/// observer). Without a zoo.cfg the configuration is the one the server composes from the <c>ZOO_*</c> environment
/// variables at start (<see cref="ZooEnvironment.Compose"/>), so that inside a container
/// <c>/app/CoordAspire.Node status</c> asks the server the container runs: the image's health check. Exit code 0
/// when the server answered, 1 when it did not, 2 for a bad configuration.
/// </summary>
internal static class StatusCommand
{
    /// <summary>How the <c>Using config:</c> line names a configuration that was composed, not read from a file.</summary>
    internal const string EnvironmentSource = "ZOO_* environment variables";

    public static Task<int> RunAsync(string[] args, Func<string, string> resolveConfigPath) =>
        RunAsync(args, resolveConfigPath, Environment.GetEnvironmentVariable);

    internal static async Task<int> RunAsync(string[] args, Func<string, string> resolveConfigPath, Func<string, string?> variable)
    {
        if (args.Length > 1)
        {
            Console.Error.WriteLine("usage: CoordAspire.Node status [zoo.cfg]   (without zoo.cfg: the ZOO_* environment variables)");
            return 2;
        }

        ZooConfig config;
        string source = args is [var file] ? resolveConfigPath(file) : EnvironmentSource;
        try
        {
            config = args.Length == 1 ? ZooConfigParser.Parse(source) : FromEnvironment(variable);
        }
        catch (ZooConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Console.Error.WriteLine($"Using config: {source}");
        if (config.ClientPortAddress is not { } address)
        {
            Console.Error.WriteLine("Unable to find either secure or unsecure client port in any configs. Terminating.");
            return 1;
        }

        // zkServer.sh asks localhost when the port is bound to every address.
        string host = address.IsAnyAddress ? "localhost" : address.Host;
        Console.Error.WriteLine($"Client port found: {address.Port}. Client address: {host}. Client SSL: false.");
        string? mode = await AskModeAsync(host, address.Port).ConfigureAwait(false);
        if (mode is null)
        {
            Console.Error.WriteLine("Error contacting service. It is probably not running.");
            return 1;
        }

        Console.WriteLine($"Mode: {mode}");
        return 0;
    }

    /// <summary>
    /// The zoo.cfg text the server composed at start, parsed without writing anything (the status of a server must
    /// not touch its data directory, which may even be read-only). <c>myid</c> is the one the server wrote there;
    /// before the first start it is <c>ZOO_MY_ID</c>, which the server will write.
    /// </summary>
    private static ZooConfig FromEnvironment(Func<string, string?> variable)
    {
        string? ReadFile(string path)
        {
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }

            return Path.GetFileName(path) == "myid" && variable("ZOO_MY_ID") is { Length: > 0 } myId ? myId : null;
        }

        return ZooConfigParser.ParseText(ZooEnvironment.Compose(variable), EnvironmentSource, ReadFile);
    }

    private static async Task<string?> AskModeAsync(string host, int port)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("srvr"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string text = await reader.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("Mode: ", StringComparison.Ordinal))
                {
                    return line["Mode: ".Length..].Trim();
                }
            }

            return null;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
