namespace CoordAspire.Database.Processing;

/// <summary>What the request processor needs from zoo.cfg, and nothing else.</summary>
public sealed record ServerSettings
{
    /// <summary>The id stamped into the top byte of every session id (myid; 1 for a standalone server, as ZooKeeper).</summary>
    public long ServerId { get; init; } = 1;

    public int TickTime { get; init; } = 3000;

    public int MinSessionTimeout { get; init; } = 6000;

    public int MaxSessionTimeout { get; init; } = 60000;

    /// <summary>TTL nodes (<c>zookeeper.extendedTypesEnabled</c>).</summary>
    public bool ExtendedTypesEnabled { get; init; }

    /// <summary>How often container and TTL nodes are checked for removal (<c>znode.container.checkIntervalMs</c>).</summary>
    public int ContainerCheckIntervalMs { get; init; } = 60000;

    /// <summary>At most this many containers are removed per minute (<c>znode.container.maxPerMinute</c>).</summary>
    public int ContainerMaxPerMinute { get; init; } = 10000;

    /// <summary><c>localSessionsEnabled</c>: an ensemble member's new sessions stay on it, without a transaction.</summary>
    public bool LocalSessionsEnabled { get; init; }

    /// <summary><c>localSessionsUpgradingEnabled</c>: a local session that creates an ephemeral becomes global;
    /// without it that create fails with EPHEMERALONLOCALSESSION.</summary>
    public bool LocalSessionsUpgradingEnabled { get; init; }

    /// <summary><c>jute.maxbuffer</c>.</summary>
    public int MaxBuffer { get; init; } = Protocol.Framing.DefaultMaxBuffer;
}
