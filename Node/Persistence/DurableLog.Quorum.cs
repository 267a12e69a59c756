using CoordAspire.Database.Processing;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage;
using CoordAspire.Zab;

namespace CoordAspire.Node.Persistence;

// An ensemble member's disk (QuorumPeer's FileTxnSnapLog plus the epoch files): the log takes proposals as the
// leader sent them, is fsynced once per loop iteration (group commit: ZAB's ACK follows the fsync), is cut on TRUNC
// and replaced on SNAP; what it holds beyond the snapshot is handed to the consensus core at start, not applied.
internal sealed partial class DurableLog
{
    private EpochFiles? _epochFiles;
    private EpochState _epochs;

    /// <summary>
    /// Loads the newest valid snapshot into the processor and reads the log after it (QuorumPeer.loadDataBase, but
    /// without applying the log: a logged proposal is not known to be committed until the leader says so).
    /// </summary>
    public DurableState RestoreForQuorum(RequestProcessor processor)
    {
        long started = Environment.TickCount64;
        var sessions = new Dictionary<long, int>();
        var log = new List<Txn>();
        var result = _dataDirectory.RestoreSnapshotAndReadLog(processor.Tree, sessions, entry => log.Add(ToTxn(entry)));
        foreach (var (id, timeout) in sessions)
        {
            processor.Sessions.TrackSession(id, timeout, processor.Now.ElapsedMs);
        }

        processor.Restored();
        SnapshotCapture.Reserve(processor.Tree.NodeCount);
        long applied = processor.Tree.LastProcessedZxid;
        long lastLogged = log.Count > 0 ? log[^1].Zxid : applied;
        _epochFiles = new EpochFiles(_dataDirectory.SnapDir);
        _epochs = _epochFiles.Load(lastLogged);
        Log.Restored(_logger, applied, processor.Tree.NodeCount, processor.Sessions.Count, Environment.TickCount64 - started, _dataDirectory.SnapDir);
        Log.QuorumLogLoaded(_logger, log.Count, lastLogged, _epochs.AcceptedEpoch, _epochs.CurrentEpoch);

        // Only the entries after the snapshot are the core's to decide on; it keeps them as its DIFF window too.
        log.RemoveAll(t => t.Zxid <= applied);
        return new DurableState(_epochs, applied, applied, log);
    }

    /// <summary>acceptedEpoch/currentEpoch, durable when this returns.</summary>
    public void SaveEpochs(EpochState epochs)
    {
        _epochFiles!.Save(_epochs, epochs);
        _epochs = epochs;
    }

    /// <summary>Adds a proposal to the batch; durable after the next <see cref="SyncProposals"/>.</summary>
    public void AppendProposal(Txn txn)
    {
        var log = _dataDirectory.TxnLog;
        int before = log.PendingBytes;
        log.AppendRaw(txn.Zxid, txn.Data.Span);
        if (_snapshotPolicy.RecordAppend(log.PendingBytes - before) && _snapshot is null)
        {
            log.RollLog();
            _pendingSnapshotStart = true;
        }
    }

    /// <summary>Writes and fsyncs the proposals appended since the last call (one fsync for all of them).</summary>
    public void SyncProposals() => _dataDirectory.TxnLog.Commit();

    /// <summary>TRUNC: every logged entry after <paramref name="zxid"/> goes, durably.</summary>
    public void TruncateAfter(long zxid)
    {
        // A snapshot under way shows the applied tree, which TRUNC never goes below; it goes anyway, so that no file of
        // the state before the truncation appears after it.
        AbandonSnapshot();
        SyncProposals();
        _dataDirectory.TruncateLog(zxid);
        Log.LogTruncated(_logger, zxid);
    }

    /// <summary>
    /// SNAP: the leader's snapshot becomes ours. It is stored as <c>snapshot.&lt;zxid&gt;</c> first (so a restart
    /// finds it), the log after it is cut, and the tree and sessions are loaded from that file.
    /// </summary>
    public void InstallSnapshot(long zxid, ReadOnlySpan<byte> body, RequestProcessor processor)
    {
        AbandonSnapshot();
        SyncProposals();
        _dataDirectory.TruncateLog(zxid);
        string path = _dataDirectory.SaveSnapshotBody(zxid, body);
        var sessions = new Dictionary<long, int>();
        FileSnap.Deserialize(path, processor.Tree, sessions);
        processor.Tree.LastProcessedZxid = zxid;
        processor.Sessions.Clear();
        foreach (var (id, timeout) in sessions)
        {
            processor.Sessions.TrackSession(id, timeout, processor.Now.ElapsedMs);
        }

        processor.Restored();
        Log.SnapshotInstalled(_logger, zxid, processor.Tree.NodeCount, sessions.Count);
    }

    private static Txn ToTxn(TxnLogEntry entry)
    {
        var buffer = new Protocol.Buffers.PooledBufferWriter();
        try
        {
            TxnCodec.Write(new JuteWriter(buffer), entry.Header, entry.Record);
            return new Txn(entry.Header.Zxid, buffer.WrittenSpan.ToArray());
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
