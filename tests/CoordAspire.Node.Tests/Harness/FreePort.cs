using System.Net;
using System.Net.Sockets;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// Free loopback TCP ports for test servers. The OS picks an unused port; ports handed out in this process are
/// remembered so two tests never get the same one. Another process may still take it before the server binds,
/// so callers that start a server retry with a new port when binding fails.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException("no free loopback port found");
    }
}
