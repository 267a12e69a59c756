using CoordAspire.Zab;

namespace CoordAspire.Server.Host;

/// <summary>
/// The host's way to its peers: election notifications and quorum messages, addressed by the message itself. Sends
/// never block and may be lost (a connection that is down drops them; the core's timeouts cover that), and what
/// reaches a peer over one connection arrives in the order sent.
/// </summary>
public interface IPeerTransport
{
    void Send(Notification notification);

    void Send(QuorumMessage message);

    /// <summary>An election ended: the transport may stop resending this member's vote.</summary>
    void ElectionEnded();
}
