namespace CoordAspire.Client.Hosting;

/// <summary>
/// How <c>AddCoordClient</c> sets up a client, bound from the configuration section <c>CoordAspire:Client</c> and then
/// <c>CoordAspire:Client:{connectionName}</c> (the named section wins), then the connection string
/// <c>ConnectionStrings:{connectionName}</c>, then the caller's delegate.
/// </summary>
/// <remarks>
/// The client's own options (<see cref="ZooKeeperClientOptions"/>) are bound from the same sections, flat:
/// <code>
/// "CoordAspire": { "Client": { "coord": { "SessionTimeout": "00:00:20", "DisableHealthChecks": false } } }
/// </code>
/// </remarks>
public sealed class CoordClientSettings
{
    /// <summary>
    /// The servers: a ZooKeeper connect string <c>host:port,host:port[/chroot]</c>, or endpoint URIs as Aspire's service
    /// discovery writes them (<c>tcp://host:port,tcp://host:port</c>, the chroot after the last one).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Leave out the health check (<c>CoordAspire.Client_{name}</c>).</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check may take; the health-check service's default when null.</summary>
    public TimeSpan? HealthCheckTimeout { get; set; }

    /// <summary>
    /// Hold the host's start until the client has a session (up to <see cref="ZooKeeperClientOptions.ConnectTimeout"/>,
    /// then the start fails). Off by default: the client connects in the background and requests made before the
    /// first session wait for it.
    /// </summary>
    public bool WaitForConnectionOnStart { get; set; }

    /// <summary>The client's options (session timeout, reconnect delays, ...). Its logger factory defaults to the host's.</summary>
    public ZooKeeperClientOptions Options { get; } = new();
}
