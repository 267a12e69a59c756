using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A member's role as <c>zkServer.sh status</c> reports it: <c>srvr</c>'s <c>Mode:</c> (leader, follower, observer,
/// standalone); "looking" when it answers but serves no one (no quorum, an election under way); "not answering"
/// when its client port takes no connection.
/// </summary>
internal static class NodeRole
{
    public const string Looking = "looking";
    public const string NotAnswering = "not answering";

    public static async Task<string> AskAsync(ProjectResource node, CancellationToken cancellationToken)
    {
        try
        {
            var client = node.GetEndpoint(CoordEnsembleResource.ClientEndpointName);
            var srvr = await FourLetterWord.AskAsync("127.0.0.1", client.Port, "srvr", cancellationToken);
            return FourLetterWord.Mode(srvr) ?? Looking;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return NotAnswering;
        }
    }
}
