using Microsoft.Extensions.Logging;

namespace CoordAspire.Client;

/// <summary>How a <see cref="ZooKeeperClient"/> connects and behaves. The defaults suit production use.</summary>
public sealed class ZooKeeperClientOptions
{
    /// <summary>The session timeout to ask for; the server clamps it to [2, 20] × its tickTime and the client uses what it grants.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync"/> waits for the first session before giving up.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long to pause after every server of the connect string has been tried without success
    /// (<c>StaticHostProvider</c>'s spin delay).
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The upper bound of the random pause before each reconnection, so that many clients that lost the
    /// same server do not all arrive at the next one at once (<c>ClientCnxn.SendThread</c> sleeps up to 1s).</summary>
    public TimeSpan ReconnectJitter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a connect to one server may go unanswered before the next server is dialled beside it (the first
    /// to connect gets the session): a server that vanished (a killed container, a partition) answers nothing, and
    /// waiting out the connect timeout for it would stall a reconnect for seconds. 250 ms is RFC 8305's connection
    /// attempt delay. <see cref="Timeout.InfiniteTimeSpan"/> dials one server at a time, as the Java client does.
    /// </summary>
    public TimeSpan ConnectStagger { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The largest reply frame accepted (the client's <c>jute.maxbuffer</c>); a larger one drops the connection.</summary>
    public int MaxFrameLength { get; set; } = 4 * 1024 * 1024;

    /// <summary>Resume an existing session (with <see cref="SessionPassword"/>) instead of creating one.</summary>
    public long SessionId { get; set; }

    public byte[]? SessionPassword { get; set; }

    /// <summary>Credentials sent on every connection, before any request (as <c>addAuthInfo</c> before the first connect).</summary>
    public IList<(string Scheme, byte[] Auth)> AuthInfo { get; } = [];

    /// <summary>Seeds the shuffle of the servers; null for a random order (tests pin it).</summary>
    public int? HostShuffleSeed { get; set; }

    /// <summary>
    /// Offer the server this client's request spans as the parents of its own (a CoordAspire server accepts; Apache
    /// ZooKeeper ignores the offer, and then nothing more is sent). On by default; it costs one small frame before
    /// each request that is traced, and nothing when no one listens to the client's spans.
    /// </summary>
    public bool PropagateTraceContext { get; set; } = true;

    /// <summary>
    /// Accept a server that has lost its quorum and serves read-only (Java's <c>canBeReadOnly</c>, the servers'
    /// <c>readonlymode.enabled</c>): the client is then <see cref="ConnectionState.ConnectedReadOnly"/>, reads work
    /// and writes fail with <see cref="NotReadOnlyException"/>, while it asks the other servers with <c>isro</c>
    /// (after 100 ms, then twice as long each time, up to <see cref="ReadWriteServerSearchMaxInterval"/>) and moves
    /// to the first that answers <c>rw</c>. A session created read-only is local to its server: the client starts
    /// a new session on the read-write server, as Java's client does. Off by default: a client that never saw a
    /// read-write server would otherwise read data that may be stale without knowing it.
    /// </summary>
    public bool CanBeReadOnly { get; set; }

    /// <summary>The longest pause between two <c>isro</c> probes while read-only (Java's <c>maxPingRwTimeout</c>, 60 s).</summary>
    public TimeSpan ReadWriteServerSearchMaxInterval { get; set; } = TimeSpan.FromSeconds(60);

    public ILoggerFactory? LoggerFactory { get; set; }
}
