namespace CoordAspire.Server.Host;

/// <summary>Something other than a client request that must happen on the loop (a message from a peer, a tick of
/// the consensus core): it runs between two work items, with the processor's clock set.</summary>
public interface ILoopWork
{
    void Run();
}
