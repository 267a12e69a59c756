using System.Globalization;
using System.Net;
using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// A ZooKeeper connect string, <c>host:port,host:port[/chroot]</c> (Java's <c>ConnectStringParser</c>): servers
/// separated by commas, each port defaulting to 2181, IPv6 addresses in brackets (<c>[::1]:2181</c>), and an optional
/// chroot suffix under which every path of the session lives.
/// </summary>
public sealed class ConnectString
{
    public const int DefaultPort = 2181;

    private ConnectString(IReadOnlyList<DnsEndPoint> servers, string? chrootPath)
    {
        Servers = servers;
        ChrootPath = chrootPath;
    }

    public IReadOnlyList<DnsEndPoint> Servers { get; }

    /// <summary>The chroot, without a trailing slash; null when there is none (or it is "/").</summary>
    public string? ChrootPath { get; }

    public static ConnectString Parse(string connectString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        string hosts = connectString;
        string? chroot = null;
        int slash = connectString.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            chroot = connectString[slash..];
            hosts = connectString[..slash];
            if (chroot.Length == 1)
            {
                chroot = null;
            }
            else if (ZnodePath.Validate(chroot) is { } problem)
            {
                throw new ArgumentException($"invalid chroot {chroot}: {problem}", nameof(connectString));
            }
        }

        var servers = new List<DnsEndPoint>();
        foreach (var raw in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            servers.Add(ParseServer(raw, connectString));
        }

        if (servers.Count == 0)
        {
            throw new ArgumentException($"no server in connect string \"{connectString}\"", nameof(connectString));
        }

        return new ConnectString(servers, chroot);
    }

    public override string ToString() =>
        string.Join(',', Servers.Select(s => s.Host.Contains(':', StringComparison.Ordinal) ? $"[{s.Host}]:{s.Port}" : $"{s.Host}:{s.Port}")) + ChrootPath;

    private static DnsEndPoint ParseServer(string server, string connectString)
    {
        string host = server;
        int port = DefaultPort;
        string? portText = null;
        if (server.StartsWith('['))
        {
            int close = server.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"unclosed bracket in \"{server}\" of \"{connectString}\"", nameof(connectString));
            }

            host = server[1..close];
            string rest = server[(close + 1)..];
            if (rest.Length > 0)
            {
                portText = rest.StartsWith(':') ? rest[1..] : throw new ArgumentException($"bad server \"{server}\"", nameof(connectString));
            }
        }
        else
        {
            int colon = server.LastIndexOf(':');
            if (colon >= 0)
            {
                host = server[..colon];
                portText = server[(colon + 1)..];
            }
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ArgumentException($"bad port in \"{server}\" of \"{connectString}\"", nameof(connectString));
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"empty host in \"{connectString}\"", nameof(connectString));
        }

        return new DnsEndPoint(host, port);
    }
}
