using CoordAspire.Quorum.Wire;

namespace CoordAspire.Node.Quorum;

/// <summary>Timeouts and limits of the two server-to-server transports. The defaults are ZooKeeper's where it has one.</summary>
internal sealed record QuorumTransportOptions
{
    /// <summary>One TCP connect (QuorumCnxManager's <c>cnxTimeout</c>, 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connects a learner tries before it reports its leader lost (Learner.connectToLeader tries 5 times).</summary>
    public int LeaderConnectAttempts { get; init; } = 5;

    /// <summary>Pause between a learner's connect attempts (Learner.connectToLeader sleeps 1 s).</summary>
    public TimeSpan LeaderConnectRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an accepted quorum connection may take to send its FOLLOWERINFO/OBSERVERINFO (and an
    /// election connection its handshake) before it is closed (ZooKeeper gives a learner initLimit ticks).</summary>
    public TimeSpan IdentifyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first pause before an election connection is tried again while a notification waits for it.</summary>
    public TimeSpan ElectionRetryMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between election connection attempts (the pause doubles up to this).</summary>
    public TimeSpan ElectionRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an election connection may leave what it sent unacknowledged (or, idle, go unanswered by keepalive
    /// probes) before it is given up and dialled again. A member whose address vanished under it (its container taken
    /// off a network and put back, a new IP) otherwise keeps sockets bound to the old address that the kernel retries
    /// for a quarter of an hour: it would send its votes into them and never hear the leader. ZooKeeper has no such
    /// bound; a LOOKING member of ours re-dials after this.
    /// </summary>
    public TimeSpan ElectionPeerTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest buffer or string in a quorum packet (<c>jute.maxbuffer</c> plus ZooKeeper's 1024 of slack).</summary>
    public int MaxBuffer { get; init; } = QuorumPacketFraming.DefaultMaxBuffer;

    /// <summary>The largest snapshot body a learner accepts (it is held in one array for the core).</summary>
    public long MaxSnapshot { get; init; } = Array.MaxLength;

    /// <summary>Bytes queued for one quorum peer that does not read them: past this its connection is given up.</summary>
    public long MaxOutboundBacklog { get; init; } = 1L << 30;
}
