using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Watches;

/// <summary>
/// Whoever set a watch: in the server, a client connection. Called on the thread that applies transactions,
/// before the reply to any later request of the same client is written, which is how ZooKeeper guarantees
/// that a client sees a watch event before the reply to any request that follows the change.
/// </summary>
public interface IWatcher
{
    void Process(in WatcherEvent watchedEvent, long zxid);
}
