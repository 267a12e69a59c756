using System.Diagnostics;
using CoordAspire.Database.Sessions;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Txn;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Storage;

/// <summary>What <see cref="DataDirectory.Restore(DataTree, IDictionary{long, int}, Action{TxnLogEntry}?)"/> did.</summary>
/// <param name="Zxid">The last zxid applied: the snapshot's, or the last transaction replayed after it.</param>
/// <param name="Snapshot">The snapshot loaded; null when the directory was empty (then snapshot.0 was written).</param>
/// <param name="SnapshotZxid">The zxid the snapshot is named by (0 for a fresh directory).</param>
/// <param name="TxnsReplayed">Transactions applied from the log after the snapshot.</param>
/// <param name="RepairedLogs">Log files whose torn tail was cut.</param>
public sealed record RestoreResult(long Zxid, string? Snapshot, long SnapshotZxid, int TxnsReplayed, IReadOnlyList<TornLogFile> RepairedLogs);

/// <summary>The files <see cref="DataDirectory.Purge"/> removed.</summary>
public sealed record PurgeResult(IReadOnlyList<string> DeletedSnapshots, IReadOnlyList<string> DeletedLogs);

/// <summary>
/// A ZooKeeper data directory (<c>FileTxnSnapLog</c>): snapshots in <c>dataDir/version-2</c>, the transaction log
/// in <c>dataLogDir/version-2</c> (dataLogDir defaults to dataDir), <c>myid</c> in dataDir itself. Restores the
/// tree and sessions at startup, holds the log writer, starts snapshots and purges old files. Apache ZooKeeper 3.8
/// starts on a directory written here, and this starts on one ZooKeeper wrote.
/// </summary>
public sealed class DataDirectory : IDisposable
{
    private readonly ILogger _logger;
    private readonly SnapshotWriterOptions _snapshotOptions;

    /// <exception cref="InvalidDataException">
    /// dataDir and dataLogDir differ and one holds the other's files (ZOOKEEPER-2967: a sign the configuration swapped them).
    /// </exception>
    public DataDirectory(string dataDir, string? dataLogDir = null, TxnLogOptions? logOptions = null, SnapshotWriterOptions? snapshotOptions = null, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _snapshotOptions = snapshotOptions ?? new SnapshotWriterOptions { Fsync = logOptions?.ForceSync ?? true };
        DataDir = dataDir;
        DataLogDir = dataLogDir ?? dataDir;
        SnapDir = Path.Combine(DataDir, DataDirFiles.VersionDirectory);
        LogDir = Path.Combine(DataLogDir, DataDirFiles.VersionDirectory);
        Directory.CreateDirectory(SnapDir);
        Directory.CreateDirectory(LogDir);
        if (Path.GetFullPath(SnapDir) != Path.GetFullPath(LogDir))
        {
            if (Directory.EnumerateFiles(LogDir, DataDirFiles.SnapshotPrefix + ".*").Any())
            {
                throw new InvalidDataException("Log directory has snapshot files. Check if dataLogDir and dataDir configuration is correct.");
            }

            if (Directory.EnumerateFiles(SnapDir, DataDirFiles.LogPrefix + ".*").Any())
            {
                throw new InvalidDataException("Snapshot directory has log files. Check if dataLogDir and dataDir configuration is correct.");
            }
        }

        TxnLog = new FileTxnLog(LogDir, logOptions, _logger);
    }

    public string DataDir { get; }

    public string DataLogDir { get; }

    /// <summary><c>dataDir/version-2</c>.</summary>
    public string SnapDir { get; }

    /// <summary><c>dataLogDir/version-2</c>.</summary>
    public string LogDir { get; }

    /// <summary>The log writer: Append, Commit, RollLog.</summary>
    public FileTxnLog TxnLog { get; }

    /// <summary>The zxid of the last valid entry of the newest log file, or -1 (<c>getLastLoggedZxid</c>).</summary>
    public long LastLoggedZxid => FileTxnLog.GetLastLoggedZxid(LogDir);

    /// <summary>
    /// <see cref="Restore(DataTree, IDictionary{long, int}, Action{TxnLogEntry}?)"/>, then tracks every restored
    /// session from <paramref name="now"/> (it expires unless its client reconnects in time). Returns the last zxid.
    /// </summary>
    public long Restore(DataTree tree, SessionTracker sessionTracker, long now)
    {
        var sessions = new Dictionary<long, int>();
        var result = Restore(tree, sessions);
        foreach (var (id, timeout) in sessions)
        {
            sessionTracker.TrackSession(id, timeout, now);
        }

        return result.Zxid;
    }

    /// <summary>
    /// Loads the newest valid snapshot and replays the log after it (<c>FileTxnSnapLog.restore</c>), putting the
    /// live sessions (id → timeout) in <paramref name="sessions"/>; createSession and closeSession transactions add
    /// and remove them as <c>processTransaction</c> does. Every log file read is cut after its last valid entry if
    /// garbage follows it (a write torn by a crash), so that nothing can ever mis-read it later. A directory with
    /// neither snapshot nor log gets <c>snapshot.0</c> of the empty tree, as ZooKeeper writes.
    /// </summary>
    /// <exception cref="InvalidDataException">There are log entries but no snapshot, or no snapshot is valid.</exception>
    public RestoreResult Restore(DataTree tree, IDictionary<long, int> sessions, Action<TxnLogEntry>? onTxnLoaded = null) =>
        Restore(tree, sessions, onTxnLoaded, replay: true);

    /// <summary>
    /// An ensemble member's restore: the newest valid snapshot into <paramref name="tree"/> and
    /// <paramref name="sessions"/>, and every log entry after it handed to <paramref name="onTxnLogged"/> without
    /// being applied: a logged proposal may never have committed, so only ZAB's synchronisation with the leader
    /// decides which of them the tree gets. Torn tails are cut as in <see cref="Restore(DataTree, IDictionary{long, int}, Action{TxnLogEntry}?)"/>.
    /// </summary>
    public RestoreResult RestoreSnapshotAndReadLog(DataTree tree, IDictionary<long, int> sessions, Action<TxnLogEntry> onTxnLogged) =>
        Restore(tree, sessions, onTxnLogged, replay: false);

    private RestoreResult Restore(DataTree tree, IDictionary<long, int> sessions, Action<TxnLogEntry>? onTxnLoaded, bool replay)
    {
        DeleteLeftoverTemporaryFiles();
        var snapshot = FileSnap.Deserialize(SnapDir, tree, sessions, _logger);
        if (snapshot is null)
        {
            if (LastLoggedZxid != -1)
            {
                throw new InvalidDataException(
                    $"No snapshot found, but there are log entries. Something is broken! (snapshots in {SnapDir}, log in {LogDir})");
            }

            // FileTxnSnapLog.restore on an empty database: save it, so that a log never exists without a snapshot.
            Save(tree, sessions);
            return new RestoreResult(tree.LastProcessedZxid, null, tree.LastProcessedZxid, 0, []);
        }

        long started = Stopwatch.GetTimestamp();
        int replayed = 0;
        long highest = tree.LastProcessedZxid;
        IReadOnlyList<TornLogFile> torn;
        using (var iterator = new TxnLogIterator(LogDir, tree.LastProcessedZxid + 1))
        {
            while (iterator.MoveNext())
            {
                var entry = iterator.Current;
                highest = Math.Max(highest, entry.Header.Zxid);
                if (replay)
                {
                    ProcessTransaction(tree, sessions, entry.Header, entry.Record);
                }

                onTxnLoaded?.Invoke(entry);
                replayed++;
            }

            torn = iterator.TornFiles;
        }

        foreach (var file in torn)
        {
            Log.TornLogTail(_logger, file.Path, file.ValidLength, file.FileLength, file.Reason);
            FileTxnLog.CutFile(file.Path, file.ValidLength);
        }

        long elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Log.TxnsLoaded(_logger, replayed, elapsedMs, highest);
        return new RestoreResult(highest, snapshot.Value.Path, snapshot.Value.Zxid, replayed, torn);
    }

    /// <summary>
    /// <c>FileTxnSnapLog.processTransaction</c>: session transactions update <paramref name="sessions"/>, then every
    /// transaction is applied to the tree. Errors of a replayed transaction (a create finding its node already in a
    /// fuzzy snapshot) are expected and ignored, as ZooKeeper ignores them.
    /// </summary>
    public static void ProcessTransaction(DataTree tree, IDictionary<long, int> sessions, in TxnHeader header, TxnRecord? record)
    {
        switch (header.Type)
        {
            case OpCode.CreateSession when record is CreateSessionTxn create:
                sessions[header.ClientId] = create.TimeOut;
                break;
            case OpCode.CloseSession:
                sessions.Remove(header.ClientId);
                break;
        }

        tree.ProcessTxn(header, record);
    }

    /// <summary>
    /// Stores a snapshot body received from a leader (SNAP: sessions, ACL map, nodes, the "/" end, as
    /// ZKDatabase.serializeSnapshot streams it) as <c>snapshot.&lt;zxid&gt;</c>: the file header before it and the
    /// Adler-32 seal after it, written to a temporary file, fsynced and renamed into place. Returns its path.
    /// </summary>
    public string SaveSnapshotBody(long zxid, ReadOnlySpan<byte> body)
    {
        Directory.CreateDirectory(SnapDir);
        Span<byte> header = stackalloc byte[FileHeader.Size];
        FileHeader.Snapshot.Write(header);
        var checksum = default(Adler32);
        checksum.Update(header);
        checksum.Update(body);
        Span<byte> seal = stackalloc byte[8 + 4 + 1];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(seal, checksum.Value);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(seal[8..], 1);
        seal[12] = (byte)'/';

        string path = Path.Combine(SnapDir, DataDirFiles.MakeSnapshotName(zxid));
        string temporary = Path.Combine(SnapDir, SnapshotWriter.TempPrefix + DataDirFiles.ToHex(zxid));
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(header);
            file.Write(body);
            file.Write(seal);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Sync(SnapDir);
        return path;
    }

    /// <summary>
    /// Starts a fuzzy snapshot of the tree as of its last processed zxid (see <see cref="SnapshotWriter"/>): on the
    /// thread that applies transactions, this only captures references; <see cref="SnapshotWriter.CompleteAsync"/>
    /// then writes it on a thread of its own.
    /// </summary>
    public SnapshotWriter BeginSnapshot(DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions) =>
        SnapshotWriter.Begin(SnapDir, tree, sessions, _snapshotOptions, _logger);

    /// <summary>Starts a fuzzy snapshot with the sessions of <paramref name="sessionTracker"/>.</summary>
    public SnapshotWriter BeginSnapshot(DataTree tree, SessionTracker sessionTracker) =>
        BeginSnapshot(tree, SessionsOf(sessionTracker));

    /// <summary>Writes a whole snapshot at once, on the calling thread (<c>FileTxnSnapLog.save</c>).</summary>
    public SnapshotInfo Save(DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions)
    {
        using var writer = BeginSnapshot(tree, sessions);
        return writer.Complete();
    }

    /// <summary>Id → timeout of every tracked session, as a snapshot records them.</summary>
    public static IEnumerable<KeyValuePair<long, int>> SessionsOf(SessionTracker sessionTracker) =>
        sessionTracker.All.Select(s => KeyValuePair.Create(s.Id, s.Timeout)).ToArray();

    /// <summary>Reads the log from <paramref name="zxid"/> on (for a learner's sync, or tools).</summary>
    public TxnLogIterator ReadTxnLog(long zxid) => new(LogDir, zxid);

    /// <summary>Removes every logged transaction after <paramref name="zxid"/> (ZAB's TRUNC; see <see cref="FileTxnLog.Truncate"/>).</summary>
    public void TruncateLog(long zxid) => TxnLog.Truncate(zxid);

    /// <summary>
    /// Keeps the <paramref name="retainCount"/> newest snapshots and the log files needed to replay from the oldest
    /// of them, and deletes every older snapshot and log file (<c>PurgeTxnLog.purge</c>; ZooKeeper's autopurge
    /// insists on at least 3, which is the caller's to enforce).
    /// </summary>
    public PurgeResult Purge(int retainCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retainCount, 1);
        var snapshots = FileSnap.FindValidSnapshots(SnapDir, retainCount);
        if (snapshots.Count == 0)
        {
            return new PurgeResult([], []);
        }

        long leastZxidToRetain = snapshots[^1].Zxid;

        // FileTxnLog.getLogFiles: the newest log starting at or before the oldest kept snapshot holds its next
        // transactions; it and everything after stay.
        var logs = DataDirFiles.List(LogDir, DataDirFiles.LogPrefix, ascending: true);
        long firstRetainedLog = logs.Where(l => l.Zxid <= leastZxidToRetain).Select(l => l.Zxid).DefaultIfEmpty(long.MinValue).Max();
        var deletedLogs = new List<string>();
        foreach (var (path, zxid) in logs)
        {
            if (zxid < firstRetainedLog && zxid < leastZxidToRetain)
            {
                Log.Purging(_logger, path);
                File.Delete(path);
                deletedLogs.Add(path);
            }
        }

        var deletedSnapshots = new List<string>();
        foreach (var (path, zxid) in DataDirFiles.List(SnapDir, DataDirFiles.SnapshotPrefix, ascending: true))
        {
            if (zxid < leastZxidToRetain)
            {
                Log.Purging(_logger, path);
                File.Delete(path);
                deletedSnapshots.Add(path);
            }
        }

        return new PurgeResult(deletedSnapshots, deletedLogs);
    }

    public void Dispose() => TxnLog.Dispose();

    private void DeleteLeftoverTemporaryFiles()
    {
        foreach (var path in Directory.EnumerateFiles(SnapDir, SnapshotWriter.TempPrefix + "*"))
        {
            File.Delete(path);
        }
    }
}
