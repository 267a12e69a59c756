using System.Net;
using CoordAspire.Configuration;

namespace CoordAspire.Node.Hosting;

/// <summary>Where an HTTP server of the node binds: ZooKeeper's <c>new InetSocketAddress(host, port)</c>.</summary>
internal static class ListenAddress
{
    /// <summary>The wildcard for <see cref="HostPort.AnyAddress"/>, an IP literal as written, else the host's first address.</summary>
    public static IPEndPoint Resolve(string host, int port)
    {
        var address = host is HostPort.AnyAddress ? IPAddress.Any
            : IPAddress.TryParse(host, out var literal) ? literal
            : Dns.GetHostAddresses(host).First();
        return new IPEndPoint(address, port);
    }
}
