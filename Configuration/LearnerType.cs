namespace CoordAspire.Configuration;

/// <summary>
/// The role a server plays in the ensemble, as ZooKeeper's <c>QuorumPeer.LearnerType</c>:
/// participants vote in elections and count towards the quorum; observers only learn
/// the committed history and serve reads, so adding them does not slow down writes.
/// </summary>
public enum LearnerType
{
    Participant,
    Observer,
}
