using System.Net.Sockets;
using System.Text;
using CoordAspire.Node.Configuration;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>CoordAspire.Node status &lt;zoo.cfg&gt;</c>: what <c>zkServer.sh status</c> prints — the client port it found in
/// the configuration and the <c>Mode:</c> line of the server's <c>srvr</c> answer (standalone, leader, follower,
/// observer). Exit code 0 when the server answered, 1 when it did not, 2 for a bad configuration.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string[] args, Func<string, string> resolveConfigPath)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: CoordAspire.Node status <zoo.cfg>");
            return 2;
        }

        ZooConfig config;
        string path = resolveConfigPath(args[0]);
        try
        {
            config = ZooConfigParser.Parse(path);
        }
        catch (ZooConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Console.Error.WriteLine($"Using config: {path}");
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
