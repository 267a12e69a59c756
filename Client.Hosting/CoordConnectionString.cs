namespace CoordAspire.Client.Hosting;

/// <summary>Turns what an AppHost hands a service into a ZooKeeper connect string.</summary>
public static class CoordConnectionString
{
    /// <summary>
    /// <c>host:port,host:port[/chroot]</c> as it is; endpoint URIs (<c>tcp://host:port</c>, as Aspire's
    /// <c>WithReference</c> of an endpoint writes them) without their scheme. A path may only follow the last server:
    /// it is the chroot; a trailing <c>/</c> on any other server is dropped.
    /// </summary>
    public static string Normalize(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var servers = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (int i = 0; i < servers.Length; i++)
        {
            string server = servers[i];
            int scheme = server.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                server = server[(scheme + 3)..];
            }

            int slash = server.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && (i < servers.Length - 1 || slash == server.Length - 1))
            {
                server = server[..slash];
            }

            servers[i] = server;
        }

        string normalized = string.Join(',', servers);
        // Parsing here reports a bad connection string when the app starts, naming the configuration it came from.
        _ = ConnectString.Parse(normalized);
        return normalized;
    }
}
