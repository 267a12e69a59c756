using System.Net.Sockets;
using System.Text;

namespace CoordAspire.LoadTool;

/// <summary>ZooKeeper's four-letter words (<c>srvr</c>) on a client port: how the tool finds the leader.</summary>
internal static class FourLetterWords
{
    public static async Task<string?> SendAsync(string host, int port, string word, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(host, port, cts.Token);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cts.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(cts.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The value of <c>Mode:</c> in a <c>srvr</c> answer (leader, follower, observer, standalone).</summary>
    public static string? ParseMode(string? srvr) =>
        srvr?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Mode: ", StringComparison.Ordinal))?["Mode: ".Length..];

    /// <summary>The servers of the list that say they lead, asked one after the other.</summary>
    public static async Task<List<(string Host, int Port)>> FindLeadersAsync(IEnumerable<(string Host, int Port)> servers)
    {
        var leaders = new List<(string, int)>();
        foreach (var (host, port) in servers)
        {
            if (ParseMode(await SendAsync(host, port, "srvr", TimeSpan.FromSeconds(2))) == "leader")
            {
                leaders.Add((host, port));
            }
        }

        return leaders;
    }
}
