using CoordAspire.Configuration;
using CoordAspire.Database;
using CoordAspire.Database.Processing;
using CoordAspire.Storage;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Persistence;

/// <summary>
/// The request loop's durable side (ZooKeeper's <c>SyncRequestProcessor</c> and <c>FileTxnSnapLog</c>): the dataDir
/// restored at start, each batch's transactions appended and synced once, snapshots taken after
/// <c>snapCount</c>-ish transactions (fuzzy, as ZooKeeper's are: the loop only captures references, and a thread
/// of the snapshot's own writes it), and old files purged. Used only from the loop thread, except where a method
/// says otherwise.
/// </summary>
internal sealed partial class DurableLog : Server.Host.IReplicatedLog, IDisposable
{
    private readonly DataDirectory _dataDirectory;
    private readonly SnapshotPolicy _snapshotPolicy;
    private readonly ZooConfig _config;
    private readonly ILogger _logger;

    // The snapshot being written on its own thread, from its capture until the loop sees it finished; while it is
    // there, a snapshot falling due is skipped (SyncRequestProcessor: "Too busy to snap, skipping").
    private SnapshotWriter? _snapshot;
    private Task<SnapshotInfo>? _snapshotCompletion;
    private bool _pendingSnapshotStart;

    public DurableLog(ZooConfig config, ILoggerFactory loggerFactory)
    {
        _config = config;
        _logger = loggerFactory.CreateLogger("CoordAspire.Node.Persistence");
        _dataDirectory = new DataDirectory(
            config.DataDir,
            config.DataLogDir,
            new TxnLogOptions { ForceSync = config.ForceSync, PreAllocSize = config.PreAllocSizeKb * 1024 },
            new SnapshotWriterOptions(),
            loggerFactory.CreateLogger<DataDirectory>());

        // ZooKeeper randomises each snapshot's threshold so the servers of an ensemble do not all snapshot at once.
        _snapshotPolicy = new SnapshotPolicy(new Random(), Math.Max(2, config.SnapCount));
    }

    public DataDirectory DataDirectory => _dataDirectory;

    /// <summary>Loads the newest valid snapshot and replays the log into the processor's tree and sessions.</summary>
    public void Restore(RequestProcessor processor)
    {
        long started = Environment.TickCount64;
        long zxid = _dataDirectory.Restore(processor.Tree, processor.Sessions, processor.Now.ElapsedMs);
        processor.Restored();

        // Before the loop starts: the first snapshot's capture then finds its array ready.
        SnapshotCapture.Reserve(processor.Tree.NodeCount);
        Log.Restored(_logger, zxid, processor.Tree.NodeCount, processor.Sessions.Count, Environment.TickCount64 - started, _dataDirectory.SnapDir);
    }

    /// <summary>
    /// Appends a batch and syncs it once (group commit). Throws if the disk refuses it; the caller must then
    /// acknowledge none of it. Durability rule: the processor answers these transactions only after this returns.
    /// </summary>
    public void Commit(IReadOnlyList<PreparedTxn> batch)
    {
        ReapSnapshot();
        var log = _dataDirectory.TxnLog;
        bool snapshotDue = false;
        foreach (var txn in batch)
        {
            int before = log.PendingBytes;
            log.Append(txn.Header, txn.Record);
            snapshotDue |= _snapshotPolicy.RecordAppend(log.PendingBytes - before);
        }

        log.Commit();
        if (snapshotDue && _snapshot is null)
        {
            log.RollLog();
            _pendingSnapshotStart = true;
        }
    }

    /// <summary>
    /// Between batches: lets go of a snapshot whose thread has finished, and starts a due one. Starting it only
    /// captures the tree's references here (O(n), no walk); its thread does the rest while the loop goes on.
    /// </summary>
    public void AdvanceSnapshot(RequestProcessor processor)
    {
        ReapSnapshot();
        if (!_pendingSnapshotStart || _snapshot is not null)
        {
            return;
        }

        _pendingSnapshotStart = false;
        var snapshot = _dataDirectory.BeginSnapshot(processor.Tree, processor.Sessions);
        Log.SnapshotStarted(_logger, snapshot.Zxid, snapshot.TotalNodes, snapshot.CaptureTime.TotalMilliseconds);
        try
        {
            var completion = snapshot.CompleteAsync();
            _snapshot = snapshot;
            _snapshotCompletion = completion;
            _ = completion.ContinueWith(static (task, state) => ((DurableLog)state!).LogSnapshotOutcome(task), this, TaskScheduler.Default);
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Abandons the snapshot being written, if any: once this returns it will not appear under its name unless it
    /// already has (true then). For a TRUNC or SNAP from a leader, after which a snapshot of the tree as it was
    /// must not be taken for a newer state.
    /// </summary>
    public bool AbandonSnapshot()
    {
        _pendingSnapshotStart = false;
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return false;
        }

        bool written = !snapshot.Abandon();
        _snapshot = null;
        _snapshotCompletion = null;
        return written;
    }

    /// <summary>Deletes snapshots and logs beyond <c>autopurge.snapRetainCount</c>. Safe off the loop thread.</summary>
    public void Purge()
    {
        var result = _dataDirectory.Purge(Math.Max(3, _config.SnapRetainCount));
        Log.Purged(_logger, result.DeletedSnapshots.Count, result.DeletedLogs.Count);
    }

    public void Dispose()
    {
        // A snapshot under way is let finish (it holds nothing the log does not): a restart then replays less.
        if (_snapshotCompletion is { } pending)
        {
            try
            {
                pending.Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
                // Already logged by LogSnapshotOutcome: the previous snapshot stands.
            }
        }

        _snapshot?.Dispose();
        _dataDirectory.Dispose();
    }

    /// <summary>On the loop: forgets a snapshot whose thread is done, so that the next due one can start.</summary>
    private void ReapSnapshot()
    {
        if (_snapshotCompletion is { IsCompleted: true })
        {
            _snapshot = null;
            _snapshotCompletion = null;
        }
    }

    /// <summary>On a pool thread, when the snapshot's thread is done.</summary>
    private void LogSnapshotOutcome(Task<SnapshotInfo> completed)
    {
        if (completed.IsCompletedSuccessfully)
        {
            var info = completed.Result;
            Log.SnapshotWritten(_logger, info.Path, info.Zxid, info.NodeCount, info.Length);
        }
        else if (completed.IsCanceled)
        {
            Log.SnapshotAbandoned(_logger);
        }
        else
        {
            Log.SnapshotFailed(_logger, completed.Exception?.GetBaseException());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Restored the database to zxid {Zxid}: {Nodes} znodes, {Sessions} sessions in {Milliseconds} ms from {SnapDir}")]
        public static partial void Restored(ILogger logger, HexField zxid, int nodes, int sessions, long milliseconds, string snapDir);

        [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Creating new snapshot at zxid {Zxid}: {Nodes} znodes captured in {CaptureMs:F1} ms")]
        public static partial void SnapshotStarted(ILogger logger, HexField zxid, int nodes, double captureMs);

        [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Snapshot {Path} written (zxid {Zxid}, {Nodes} znodes, {Bytes} bytes)")]
        public static partial void SnapshotWritten(ILogger logger, string path, HexField zxid, int nodes, long bytes);

        [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "Snapshot failed; the previous snapshot and the log still hold everything")]
        public static partial void SnapshotFailed(ILogger logger, Exception? exception);

        [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Purged {Snapshots} snapshots and {Logs} transaction logs")]
        public static partial void Purged(ILogger logger, int snapshots, int logs);

        [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Read {Count} logged transactions up to zxid {Zxid}; acceptedEpoch {AcceptedEpoch}, currentEpoch {CurrentEpoch}")]
        public static partial void QuorumLogLoaded(ILogger logger, int count, HexField zxid, long acceptedEpoch, long currentEpoch);

        [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Truncating the log after zxid {Zxid} (TRUNC from the leader)")]
        public static partial void LogTruncated(ILogger logger, HexField zxid);

        [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "Installed the leader's snapshot at zxid {Zxid}: {Nodes} znodes, {Sessions} sessions")]
        public static partial void SnapshotInstalled(ILogger logger, HexField zxid, int nodes, int sessions);

        [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Snapshot abandoned before it was renamed into place")]
        public static partial void SnapshotAbandoned(ILogger logger);
    }
}
