namespace CoordAspire.Database.Processing;

/// <summary>
/// Where the preparer's zxids come from. There is one owner: in an ensemble, the leader's consensus core (ZabPeer),
/// which orders every proposal and so is the only one that may number them; standalone, the server's own counter
/// (<see cref="StandaloneZxids"/>). The preparer asks for the next one for each transaction it prepares, in order.
/// </summary>
public interface IZxidSource
{
    long NextZxid();
}

/// <summary>
/// A standalone server's zxids (ZooKeeperServer.hzxid): epoch 0, one after another from the last one applied. After
/// a failed log write the transactions not written are dropped and their numbers handed out again.
/// </summary>
public sealed class StandaloneZxids(long lastZxid) : IZxidSource
{
    private long _last = lastZxid;

    public long NextZxid() => ++_last;

    /// <summary>Numbering continues after <paramref name="lastZxid"/> (the tree's last applied zxid).</summary>
    public void Reset(long lastZxid) => _last = lastZxid;
}
