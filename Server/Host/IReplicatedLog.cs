using CoordAspire.Database.Processing;
using CoordAspire.Zab;

namespace CoordAspire.Server.Host;

/// <summary>
/// What an ensemble member's host needs of its disk (ZooKeeper's FileTxnSnapLog and the epoch files), in the terms
/// the consensus core speaks. Each method is durable when it returns, except <see cref="AppendProposal"/>, which is
/// durable after the next <see cref="SyncProposals"/>: the host sends no acknowledgement before that.
/// </summary>
public interface IReplicatedLog
{
    /// <summary>acceptedEpoch and currentEpoch, written and synced.</summary>
    void SaveEpochs(EpochState epochs);

    /// <summary>Appends a proposal to the transaction log (buffered until <see cref="SyncProposals"/>).</summary>
    void AppendProposal(Txn txn);

    /// <summary>Makes every appended proposal durable (one fsync for all of them).</summary>
    void SyncProposals();

    /// <summary>Drops every logged transaction after <paramref name="zxid"/> (a leader's TRUNC).</summary>
    void TruncateAfter(long zxid);

    /// <summary>Replaces the state with a leader's snapshot (SNAP): saved, then loaded into the processor.</summary>
    void InstallSnapshot(long zxid, ReadOnlySpan<byte> body, RequestProcessor processor);
}
