namespace CoordAspire.Server.Host;

/// <summary>
/// What the request loop does after each batch when the server is an ensemble member: the processor's prepared
/// transactions are proposed, the consensus core's output is carried out (disk, network, commits), and only
/// committed transactions are applied and answered. Called on the loop thread.
/// </summary>
public interface IBatchCommitter
{
    void AfterBatch();
}
