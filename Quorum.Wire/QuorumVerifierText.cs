using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CoordAspire.Configuration;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// The ensemble's configuration as ZooKeeper writes it into election notifications (the config bytes of
/// FastLeaderElection.buildMsg) and NEWLEADER packets: <c>QuorumMaj.toString</c>, one
/// <c>server.N=host:quorumPort:electionPort:type[;clientHost:clientPort]</c> line per member ending in '\n', then
/// <c>version=&lt;hex&gt;</c> with no newline.
/// </summary>
/// <remarks>
/// <para>A 3.8 peer parses this text (QuorumPeer.configFromString) and acts on it only when its version is higher
/// than its own configuration's, so with a static configuration (version 0) it is informational. It must still parse:
/// an empty text would make a server with <c>standaloneEnabled=false</c> throw an exception its election receiver
/// thread does not catch.</para>
/// <para>Hosts are written as Java prints a resolved <c>InetSocketAddress</c>'s host string: names and IPv4 literals
/// as given, IPv6 literals in brackets and in Java's long form (<c>[0:0:0:0:0:0:0:1]</c> for <c>::1</c>).</para>
/// </remarks>
public static class QuorumVerifierText
{
    public static string Format(IReadOnlyDictionary<long, QuorumServer> servers, long version)
    {
        var text = new StringBuilder();
        foreach (var server in servers.Values.OrderBy(s => s.Id))
        {
            text.Append("server.").Append(server.Id.ToString(CultureInfo.InvariantCulture)).Append('=')
                .Append(Host(server.Hostname)).Append(':').Append(server.QuorumPort.ToString(CultureInfo.InvariantCulture))
                .Append(':').Append(server.ElectionPort.ToString(CultureInfo.InvariantCulture))
                .Append(server.Type == LearnerType.Observer ? ":observer" : ":participant");
            if (server.ClientAddress is { } client)
            {
                text.Append(';').Append(Host(client.Host)).Append(':').Append(client.Port.ToString(CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.Append("version=").Append(version.ToString("x", CultureInfo.InvariantCulture)).ToString();
    }

    public static byte[] FormatUtf8(IReadOnlyDictionary<long, QuorumServer> servers, long version) =>
        Encoding.UTF8.GetBytes(Format(servers, version));

    /// <summary>QuorumServer.delimitedHostString of a resolved address: Inet6Address.getHostAddress is eight groups of
    /// hexadecimal without leading zeros and without "::" compression.</summary>
    private static string Host(string host)
    {
        if (!host.Contains(':', StringComparison.Ordinal)
            || !IPAddress.TryParse(host, out var address)
            || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return host;
        }

        var bytes = address.GetAddressBytes();
        var groups = new string[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToString("x", CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(':', groups) + "]";
    }
}
