using CoordAspire.Protocol;

namespace CoordAspire.Node.Network;

/// <summary>How much one client connection may cost the server before it is throttled or closed.</summary>
internal sealed record ConnectionLimits
{
    /// <summary><c>jute.maxbuffer</c>: a frame announcing more is malformed, and its connection is closed.</summary>
    public int MaxBuffer { get; init; } = Framing.DefaultMaxBuffer;

    /// <summary>
    /// Requests read from one connection and not yet processed. At the limit the connection stops reading, so a client
    /// that floods the server is slowed down by TCP rather than by the server's memory (ZooKeeper throttles the same
    /// way with <c>zookeeper.globalOutstandingLimit</c>, which is also the default here).
    /// </summary>
    public int MaxQueuedRequests { get; init; } = 1000;

    /// <summary>
    /// Replies and events waiting for a client that does not read them. Past this the client is hopelessly behind
    /// and is disconnected, instead of holding the server's memory hostage.
    /// </summary>
    public long MaxOutboundBacklog { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long a closing connection keeps reading (and discarding) after its last reply was sent, so that the client
    /// gets a clean end of stream and not a reset that could destroy the reply it has not read yet.
    /// </summary>
    public TimeSpan CloseLinger { get; init; } = TimeSpan.FromSeconds(1);
}
