using System.Net;
using System.Net.Sockets;
using System.Text;
using CoordAspire.Node.Commands;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CoordAspire.Node.Hosting;

/// <summary>
/// <c>admin.commandURL</c> (<c>/commands</c>): the four letter words over HTTP, <c>GET /commands/srvr</c> answering
/// what <c>echo srvr | nc host clientPort</c> answers. ZooKeeper's AdminServer renders its commands as JSON under
/// longer names (<c>/commands/server_stats</c>); ours are the four letter words' text under their own names, which is
/// what scripts written against <c>nc</c> parse. The word is asked of the node's own client port, so it passes
/// through the same whitelist (<c>4lw.commands.whitelist</c>) and the same code as any other asker.
/// </summary>
internal static class AdminCommands
{
    public static IEndpointRouteBuilder MapAdminCommands(this IEndpointRouteBuilder endpoints, NodeServer server)
    {
        var root = server.Config.AdminCommandUrl.TrimEnd('/');
        endpoints.MapGet(root.Length == 0 ? "/" : root, () =>
            Results.Text(string.Join('\n', server.Config.FourLetterWordWhitelist.Order(StringComparer.Ordinal)) + "\n"));
        endpoints.MapGet(root + "/{word}", async (string word, CancellationToken cancellationToken) =>
        {
            if (word.Length != 4 || !FourLetterCommands.TryParse(Encoding.ASCII.GetBytes(word), out _))
            {
                return Results.Text($"{word}: not a four letter word\n", statusCode: StatusCodes.Status404NotFound);
            }

            return Results.Text(await AskAsync(server.LocalEndPoint, word, cancellationToken).ConfigureAwait(false));
        });
        return endpoints;
    }

    /// <summary>Sends the word to the client port and reads the answer to the end (the server closes after a 4lw).</summary>
    private static async Task<string> AskAsync(IPEndPoint clientPort, string word, CancellationToken cancellationToken)
    {
        var address = clientPort.Address.Equals(IPAddress.Any) || clientPort.Address.Equals(IPAddress.IPv6Any)
            ? IPAddress.Loopback
            : clientPort.Address;
        using var client = new TcpClient(address.AddressFamily);
        await client.ConnectAsync(address, clientPort.Port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}
