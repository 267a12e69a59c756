namespace CoordAspire.Zab;

/// <summary>
/// The two epoch files of a ZooKeeper peer. acceptedEpoch: the newest epoch this peer promised to follow
/// (written before ACKEPOCH leaves); currentEpoch: the epoch whose history this peer has accepted (written before
/// the ACK of NEWLEADER leaves). The host must fsync them before sending anything of the same <see cref="Ready"/>.
/// </summary>
public readonly record struct EpochState(long AcceptedEpoch, long CurrentEpoch);

/// <summary>
/// What a peer recovers from disk when it starts.
/// </summary>
/// <param name="Epochs">acceptedEpoch and currentEpoch.</param>
/// <param name="LastAppliedZxid">The zxid the host's state machine reflects after loading its latest snapshot
/// (0 for an empty tree). Everything up to it is committed; the core never truncates below it.</param>
/// <param name="LogBaseZxid">The zxid just before <paramref name="Log"/>'s first entry (0 at genesis, the snapshot
/// zxid after a SNAP, or the last purged entry).</param>
/// <param name="Log">Durable log entries in zxid order. It must hold every entry after
/// <paramref name="LastAppliedZxid"/>; entries before it are optional and fill the committed-log window that lets
/// the peer, as a leader, sync others by DIFF.</param>
public sealed record DurableState(EpochState Epochs, long LastAppliedZxid, long LogBaseZxid, IReadOnlyList<Txn> Log)
{
    public static DurableState Empty { get; } = new(new EpochState(0, 0), 0, 0, []);
}
