using CoordAspire.Database;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Configuration;
using CoordAspire.Storage;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Persistence;

/// <summary>
/// The request loop's durable side (ZooKeeper's <c>SyncRequestProcessor</c> and <c>FileTxnSnapLog</c>): the dataDir
/// restored at start, each batch's transactions appended and synced once, snapshots taken after
/// <c>snapCount</c>-ish transactions in chunks between batches (fuzzy, as ZooKeeper's are), and old files purged.
/// Used only from the loop thread, except where a method says otherwise.
/// </summary>
internal sealed partial class DurableLog : IDisposable
{
    /// <summary>Nodes serialized per loop iteration while a snapshot is under way: small enough not to stall a batch.</summary>
    private const int SnapshotChunkNodes = 10_000;

    private readonly DataDirectory _dataDirectory;
    private readonly SnapshotPolicy _snapshotPolicy;
    private readonly ZooConfig _config;
    private readonly ILogger _logger;
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
        Log.Restored(_logger, zxid, processor.Tree.NodeCount, processor.Sessions.Count, Environment.TickCount64 - started, _dataDirectory.SnapDir);
    }

    /// <summary>
    /// Appends a batch and syncs it once (group commit). Throws if the disk refuses it; the caller must then
    /// acknowledge none of it. Durability rule: the processor answers these transactions only after this returns.
    /// </summary>
    public void Commit(IReadOnlyList<PreparedTxn> batch)
    {
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

    /// <summary>Between batches: starts a due snapshot, and writes the next chunk of one under way.</summary>
    public void AdvanceSnapshot(RequestProcessor processor)
    {
        if (_snapshotCompletion is { IsCompleted: true } completed)
        {
            FinishSnapshot(completed);
        }

        if (_pendingSnapshotStart && _snapshot is null && _snapshotCompletion is null)
        {
            _pendingSnapshotStart = false;
            _snapshot = _dataDirectory.BeginSnapshot(processor.Tree, processor.Sessions);
            Log.SnapshotStarted(_logger, processor.Tree.LastProcessedZxid);
        }

        try
        {
            if (_snapshot is not null && _snapshot.WriteChunk(processor.Tree, SnapshotChunkNodes))
            {
                _snapshotCompletion = _snapshot.CompleteAsync();
                _snapshot = null;
            }
        }
        catch
        {
            _snapshot?.Dispose();
            _snapshot = null;
            throw;
        }
    }

    /// <summary>Whether the loop should come back soon even with no requests, to continue a snapshot.</summary>
    public bool SnapshotInProgress => _snapshot is not null || _pendingSnapshotStart;

    /// <summary>Deletes snapshots and logs beyond <c>autopurge.snapRetainCount</c>. Safe off the loop thread.</summary>
    public void Purge()
    {
        var result = _dataDirectory.Purge(Math.Max(3, _config.SnapRetainCount));
        Log.Purged(_logger, result.DeletedSnapshots.Count, result.DeletedLogs.Count);
    }

    public void Dispose()
    {
        _snapshot?.Dispose();
        if (_snapshotCompletion is { } pending)
        {
            try
            {
                pending.Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
                // Already logged by FinishSnapshot's path or abandoned at shutdown: the previous snapshot stands.
            }
        }

        _dataDirectory.Dispose();
    }

    private void FinishSnapshot(Task<SnapshotInfo> completed)
    {
        _snapshotCompletion = null;
        if (completed.IsCompletedSuccessfully)
        {
            var info = completed.Result;
            Log.SnapshotWritten(_logger, info.Path, info.Zxid, info.NodeCount, info.Length);
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

        [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Creating new snapshot at zxid {Zxid}")]
        public static partial void SnapshotStarted(ILogger logger, HexField zxid);

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
    }
}
