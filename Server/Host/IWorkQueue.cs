namespace CoordAspire.Server.Host;

/// <summary>
/// The one thread that runs the request processor and the consensus host (the Node's request loop; a simulator's
/// scheduler): whatever arrives from another thread — a peer's message, a tick, a lost connection — is posted here
/// and runs in order with the client requests.
/// </summary>
public interface IWorkQueue
{
    /// <summary>Runs <paramref name="work"/> on the loop. False once the loop has stopped.</summary>
    bool Post(ILoopWork work);
}
