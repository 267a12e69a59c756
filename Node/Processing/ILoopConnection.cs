using CoordAspire.Database.Processing;

namespace CoordAspire.Node.Processing;

/// <summary>
/// A connection as the request loop sees it: the processor's <see cref="IClientChannel"/> plus the hooks the loop
/// calls around each packet. Implemented over a socket by <c>Network.ClientConnection</c>; a test may implement
/// it with no socket at all. Every member is called on the loop.
/// </summary>
internal interface ILoopConnection : IClientChannel
{
    /// <summary>
    /// Set once the server has decided to close the connection (the processor's <see cref="IClientChannel.Close"/>,
    /// or an abort): requests still queued from it are dropped unprocessed. A client's own end of stream does not set
    /// it: what a client sent before hanging up is processed, as ZooKeeper processes requests it has already read.
    /// </summary>
    bool RequestsDropped { get; }

    /// <summary>
    /// A packet of this connection is about to be processed: it now awaits its reply (a read gets it during
    /// processing, a write once durable). <paramref name="receivedAt"/> is when it was read, for the latency of its
    /// reply (<c>mntr</c>'s latencies, <c>cons</c>, the read and update latency summaries).
    /// </summary>
    void OnPacketStarting(int xid, int opCode, long receivedAt);

    /// <summary>A packet of this connection has been processed (or dropped): its read credit goes back to the connection.</summary>
    void OnPacketProcessed();

    /// <summary>The loop finished a batch in which this connection was given output: send it.</summary>
    void Flush();

    /// <summary>A traced request's server span, ended when the reply with this xid is sent.</summary>
    void TrackRequestSpan(int xid, System.Diagnostics.Activity? span);
}
