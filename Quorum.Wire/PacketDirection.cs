namespace CoordAspire.Quorum.Wire;

/// <summary>
/// Which way a QuorumPacket travels on the leader–learner connection. Two packet types mean different things each
/// way, so neither encoding nor decoding is possible without it: PING (the leader's heartbeat with no data; the
/// learner's reply with its touched sessions, <c>Learner.ping</c>) and REVALIDATE (the learner's question
/// <c>long sessionId, int timeout</c>; the leader's answer <c>long sessionId, boolean valid</c>,
/// <c>Leader.revalidateSession</c>).
/// </summary>
public enum PacketDirection
{
    /// <summary>Written by the leader (LearnerHandler, Leader), read by a follower or observer (Learner).</summary>
    FromLeader,

    /// <summary>Written by a follower or observer (Learner), read by the leader's LearnerHandler.</summary>
    FromLearner,
}
