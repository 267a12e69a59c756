using System.Net.Sockets;
using System.Text;

namespace Aspire.Hosting;

/// <summary>A four letter word asked the way operators ask it (<c>echo srvr | nc host 2181</c>).</summary>
internal static class FourLetterWord
{
    public static async Task<string> AskAsync(string host, int port, string word, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    /// <summary>The <c>Mode:</c> line of <c>srvr</c> or <c>stat</c>: leader, follower, observer, standalone.</summary>
    public static string? Mode(string srvr) =>
        srvr.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("Mode: ", StringComparison.Ordinal))?["Mode: ".Length..];
}
