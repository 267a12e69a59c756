namespace CoordAspire.Quorum.Wire;

/// <summary>
/// How our trace context crosses ZooKeeper's quorum wire: as one more Id in the QuorumPacket's <c>authinfo</c>, with
/// scheme <c>traceparent</c> and the W3C traceparent text as its id. ZooKeeper's learners never look at authinfo on
/// PROPOSAL and INFORM (Follower/Observer.processPacket), and a ZooKeeper leader only matches a REQUEST's authinfo
/// against ACLs, where no ACL names this scheme; so mixed ensembles ignore it and ours join one trace.
/// </summary>
internal static class TraceParentAuth
{
    /// <summary>The Id scheme the trace context travels under.</summary>
    public const string Scheme = "traceparent";

    /// <summary>The scheme as it is on the wire (jute strings are UTF-8).</summary>
    public static ReadOnlySpan<byte> SchemeUtf8 => "traceparent"u8;
}
