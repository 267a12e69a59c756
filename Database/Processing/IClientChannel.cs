using CoordAspire.Database.Watches;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Processing;

/// <summary>
/// A client connection as the request processor sees it (ZooKeeper's <c>ServerCnxn</c>, minus the socket).
/// The processor calls it only from its own thread, in the order replies and events must reach the client; the
/// network edge implements it by framing into an outbound buffer that its writer drains.
/// </summary>
public interface IClientChannel : IWatcher
{
    /// <summary>0 until the session is established.</summary>
    long SessionId { get; set; }

    /// <summary>The negotiated session timeout in milliseconds.</summary>
    int SessionTimeout { get; set; }

    /// <summary>The identities this connection has authenticated as; the edge adds <c>ip:&lt;address&gt;</c> on accept.</summary>
    List<Id> AuthInfo { get; }

    /// <summary>The client's IP address, for the <c>ip</c> scheme.</summary>
    string RemoteAddress { get; }

    /// <summary>Whether the client's connect request carried the trailing readOnly flag (3.4+ clients do).</summary>
    bool SentReadOnlyFlag { get; set; }

    /// <summary>
    /// The W3C traceparent of the request being processed, when its client sent one (set by the edge around each
    /// request): a transaction prepared for it carries it on, so that its proposal joins the client's trace.
    /// </summary>
    string? TraceParent { get; set; }

    void SendConnectResponse(in ConnectResponse response);

    /// <summary>Writes one framed reply: the header and, if any, the body record.</summary>
    void SendReply<T>(in ReplyHeader header, in T body) where T : struct, IJuteRecord<T>;

    void SendReply(in ReplyHeader header);

    /// <summary>Closes the connection once what was queued before is sent (ZooKeeper's <c>closeConn</c>).</summary>
    void Close(string reason);
}
