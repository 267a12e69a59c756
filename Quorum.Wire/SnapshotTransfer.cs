namespace CoordAspire.Quorum.Wire;

/// <summary>
/// A snapshot sent over the quorum connection (LearnerHandler.run → Learner.syncWithLeader): the SNAP packet
/// (zxid = the leader's last processed zxid, no data), then the snapshot body streamed raw on the same connection
/// (<c>ZKDatabase.serializeSnapshot</c>: sessions, ACL map, nodes, "/", exactly a snapshot file's body between its
/// header and its checksum; <see cref="Storage.SnapshotStream"/>), then the jute string <see cref="Signature"/>.
/// No length says where the body ends: the learner deserializes it and only then reads the signature, so a
/// reader must walk the body's structure (<see cref="SnapshotBodyScanner"/>).
/// </summary>
internal static class SnapshotTransfer
{
    /// <summary>What Learner.syncWithLeader expects after the body ("Missing signature" otherwise).</summary>
    public const string Signature = "BenWasHere";
}
