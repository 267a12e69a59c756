using System.Buffers.Binary;
using System.Diagnostics;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Txn;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace CoordAspire.Storage;

/// <summary>How a <see cref="FileTxnLog"/> writes.</summary>
public sealed record TxnLogOptions
{
    /// <summary>Block by which log files are preallocated (<c>zookeeper.preAllocSize</c>, there in KiB); ≤ 0 turns it off.</summary>
    public long PreAllocSize { get; init; } = FilePadding.DefaultPreAllocSize;

    /// <summary>fsync on every commit (<c>zookeeper.forceSync</c>); false only for tests and throw-away servers.</summary>
    public bool ForceSync { get; init; } = true;

    /// <summary>Start a new file once the current one passes this many bytes (<c>zookeeper.txnLogSizeLimitInKb</c>); ≤ 0: never.</summary>
    public long SizeLimit { get; init; } = -1;

    /// <summary>An fsync slower than this is logged as a warning (<c>fsync.warningthresholdms</c>).</summary>
    public TimeSpan FsyncWarningThreshold { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Writes the transaction log (<c>FileTxnLog</c>), byte for byte as Apache ZooKeeper 3.8 does, shaped for group
/// commit: <see cref="Append"/> serialises into a pooled buffer, <see cref="Commit"/> writes the batch and fsyncs
/// once. A reply may leave only after the write covering its transaction has returned.
/// </summary>
/// <remarks>
/// <para>A log file is <c>dataLogDir/version-2/log.&lt;zxid of its first transaction, lowercase hex&gt;</c>:</para>
/// <code>
/// offset 0   FileHeader   int magic 0x5a4b4c47 ("ZKLG"), int version 2, long dbid 0      16 bytes
/// offset 16  entry*       one per transaction, back to back
///            zeros        preallocated padding to the end of the file (see FilePadding)
///
/// entry (all big-endian):
///   +0       long   checksum   Adler-32 of the txn bytes below (only those: not the length, not the 0x42)
///   +8       int    length     n, the number of txn bytes (a jute buffer)
///   +12      byte[n] txn       TxnHeader (long clientId, int cxid, long zxid, long time, int type) = 28 bytes,
///                              then the body its type calls for (CreateTxn, SetDataTxn, ... see TxnCodec),
///                              then, from ZooKeeper 3.6+, an optional TxnDigest (int version, long treeDigest)
///   +12+n    byte   0x42       end of record ('B')
/// </code>
/// <para>
/// A reader stops at an entry of length 0 (the padding) or at the first entry that is not whole and valid (torn
/// by a crash); see <see cref="TxnLogFileReader"/>. ZooKeeper's doc comment says the checksum also covers the
/// length and the 0x42; its code, which is what counts, checksums the txn bytes only.
/// </para>
/// <para>
/// We write no TxnDigest: it is the hash of ZooKeeper's whole tree, which we do not keep, and ZooKeeper reads an
/// entry without one (it checks digests only where present).
/// </para>
/// <para>
/// A write error fails the Commit (or Write) with the exception and leaves the log failed: every later Append and
/// Commit throws, because what reached the disk of the failed batch is unknown. The caller stops accepting writes;
/// a restart repairs the file (a torn tail is cut) and continues.
/// </para>
/// <para>
/// Threads: <see cref="Append"/>, <see cref="RollLog"/> and <see cref="TakeBatch"/> belong to one thread (the
/// request loop); <see cref="Write"/> to one other (a sync thread), taking batches in the order they were taken, so
/// that the loop prepares the next batch while the last one is fsynced (SyncRequestProcessor's pipeline).
/// <see cref="Commit"/> is TakeBatch then Write on the calling thread. <see cref="Truncate"/> needs both idle.
/// </para>
/// </remarks>
public sealed class FileTxnLog : IDisposable
{
    /// <summary>The byte that ends every entry (<c>Util.writeTxnBytes</c>, "EOR").</summary>
    public const byte EndOfRecord = 0x42;

    /// <summary>Bytes an entry adds around its txn bytes: checksum, length and end-of-record.</summary>
    public const int EntryOverhead = 8 + 4 + 1;

    private readonly TxnLogOptions _options;
    private readonly ILogger _logger;

    // The loop's side: the batch being appended to. _newFileAt: where in it a new file begins, and the zxid that
    // names that file (the first one appended after a roll).
    private readonly List<(int Offset, long Zxid)> _newFileAt = [];
    private PooledBuffer _pending = new();
    private bool _rollRequested = true;
    private int _pendingCount;
    private long _firstPendingZxid;
    private long _lastPendingZxid;

    // The writer's side: the file being written.
    private SafeFileHandle? _file;
    private string? _filePath;
    private long _position;
    private long _fileSize;
    private long _previousLogsSize;

    // Shared: set by the writer, read by the loop.
    private volatile Exception? _failure;
    private volatile bool _sizeLimitReached;

    public FileTxnLog(string logDir, TxnLogOptions? options = null, ILogger? logger = null)
    {
        LogDir = logDir;
        _options = options ?? new TxnLogOptions();
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(logDir);
    }

    /// <summary><c>dataLogDir/version-2</c>.</summary>
    public string LogDir { get; }

    /// <summary>The highest zxid appended.</summary>
    public long LastZxidSeen { get; private set; }

    /// <summary>Transactions appended since the last <see cref="Commit"/> or <see cref="TakeBatch"/>.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Bytes appended and not yet committed.</summary>
    public int PendingBytes => _pending.WrittenCount;

    /// <summary>The file being written; null before the first commit and after a roll.</summary>
    public string? CurrentFile => _filePath;

    /// <summary>Bytes written to the current file (padding excluded).</summary>
    public long CurrentLogSize => _file is null ? 0 : _position;

    /// <summary>Bytes written to every file since this log was opened.</summary>
    public long TotalLogSize => _previousLogsSize + CurrentLogSize;

    /// <summary>How long the last fsync took.</summary>
    public TimeSpan LastSyncDuration { get; private set; }

    /// <summary>Why the log no longer accepts writes; null while it does.</summary>
    public Exception? Failure => _failure;

    /// <summary>
    /// Adds a transaction to the batch; nothing reaches the disk until <see cref="Commit"/>. The first append after
    /// opening or <see cref="RollLog"/> starts a new file named by this transaction's zxid.
    /// </summary>
    public void Append(in TxnHeader header, TxnRecord? record)
    {
        var (start, startsFile) = BeginEntry(header.Zxid);
        try
        {
            TxnCodec.Write(new JuteWriter(_pending), header, record);
        }
        catch
        {
            AbandonEntry(start, startsFile);
            throw;
        }

        EndEntry(start, header.Zxid, header.Type);
    }

    /// <summary>
    /// <see cref="Append"/> for a transaction already serialized (TxnHeader then its record, as a ZAB PROPOSAL
    /// carries it): the bytes go into the log as they are, so a learner logs exactly what its leader proposed.
    /// </summary>
    public void AppendRaw(long zxid, ReadOnlySpan<byte> txnBytes)
    {
        if (txnBytes.Length < 28)
        {
            throw new ArgumentException($"A transaction of {txnBytes.Length} bytes is shorter than its header.", nameof(txnBytes));
        }

        var (start, _) = BeginEntry(zxid);
        txnBytes.CopyTo(_pending.GetSpan(txnBytes.Length));
        _pending.Advance(txnBytes.Length);

        // The type is the header's last int (clientId, cxid, zxid, time, type); only a log message uses it.
        EndEntry(start, zxid, (Protocol.OpCode)BinaryPrimitives.ReadInt32BigEndian(txnBytes[24..]));
    }

    /// <summary>Reserves the checksum and length of an entry; the txn bytes follow.</summary>
    private (int Start, bool StartsFile) BeginEntry(long zxid)
    {
        ThrowIfFailed();
        if (_sizeLimitReached)
        {
            _sizeLimitReached = false;
            _rollRequested = true;
        }

        bool startsFile = _rollRequested;
        int start = _pending.WrittenCount;
        if (startsFile)
        {
            _newFileAt.Add((start, zxid));
            _rollRequested = false;
        }

        _pending.GetSpan(12);
        _pending.Advance(12);
        return (start, startsFile);
    }

    /// <summary>An append that fails to serialise leaves the batch as it was.</summary>
    private void AbandonEntry(int start, bool startsFile)
    {
        _pending.Truncate(start);
        if (startsFile)
        {
            _newFileAt.RemoveAt(_newFileAt.Count - 1);
            _rollRequested = true;
        }
    }

    /// <summary>Fills in the checksum and length of the txn bytes written since <see cref="BeginEntry"/>, and ends the entry.</summary>
    private void EndEntry(int start, long zxid, Protocol.OpCode type)
    {
        int length = _pending.WrittenCount - start - 12;
        var written = _pending.WrittenSpan;
        BinaryPrimitives.WriteInt64BigEndian(written[start..], Adler32.Compute(written.Slice(start + 12, length)));
        BinaryPrimitives.WriteInt32BigEndian(written[(start + 8)..], length);
        _pending.GetSpan(1)[0] = EndOfRecord;
        _pending.Advance(1);

        if (_pendingCount++ == 0)
        {
            _firstPendingZxid = zxid;
        }

        _lastPendingZxid = zxid;

        if (zxid <= LastZxidSeen)
        {
            Log.ZxidNotIncreasing(_logger, zxid, LastZxidSeen, type);
        }
        else
        {
            LastZxidSeen = zxid;
        }
    }

    /// <summary>
    /// Writes every appended transaction and (with <see cref="TxnLogOptions.ForceSync"/>) fsyncs, once for the
    /// whole batch: <see cref="TakeBatch"/> then <see cref="Write"/>. When it returns, the batch is durable; when it
    /// throws, the log is failed (see the remarks).
    /// </summary>
    public void Commit()
    {
        ThrowIfFailed();
        if (_pendingCount == 0)
        {
            return;
        }

        Write(TakeBatch());
    }

    /// <summary>
    /// Hands over everything appended since the last call as a batch for <see cref="Write"/>, and starts a new
    /// one. On the appending thread.
    /// </summary>
    public TxnLogBatch TakeBatch()
    {
        var batch = new TxnLogBatch(_pending, [.. _newFileAt], _pendingCount, _firstPendingZxid, _lastPendingZxid);
        _pending = new PooledBuffer(Math.Max(batch.Length, 64 * 1024));
        _newFileAt.Clear();
        _pendingCount = 0;
        return batch;
    }

    /// <summary>
    /// Writes a batch and (with <see cref="TxnLogOptions.ForceSync"/>) fsyncs it, on the writing thread; the batch
    /// is consumed (its buffer returns to the pool). When it returns, every transaction of the batch is durable;
    /// when it throws, the log is failed: no later batch is written and every later append throws.
    /// </summary>
    public void Write(TxnLogBatch batch)
    {
        try
        {
            ThrowIfFailed();
            WriteBatch(batch);
            StorageMetrics.BatchSize.Record(batch.Count);
            StorageMetrics.LoggedBytes.Add(batch.Length);
        }
        catch (Exception e)
        {
            _failure ??= e;
            CloseFile();
            throw;
        }
        finally
        {
            batch.Dispose();
        }

        if (_options.SizeLimit > 0 && _position > _options.SizeLimit)
        {
            _sizeLimitReached = true;
        }
    }

    private void WriteBatch(TxnLogBatch batch)
    {
        ReadOnlySpan<byte> bytes = batch.Bytes;
        bool createdFile = false;
        int segmentStart = 0;
        var newFileAt = batch.NewFileAt;
        for (int i = 0; i <= newFileAt.Length; i++)
        {
            int segmentEnd = i < newFileAt.Length ? newFileAt[i].Offset : bytes.Length;
            if (segmentEnd > segmentStart)
            {
                WriteToCurrentFile(bytes[segmentStart..segmentEnd]);
            }

            if (i < newFileAt.Length)
            {
                // The transactions before the roll are on the previous file: make them durable, then move on.
                if (_file is not null)
                {
                    Sync();
                    CloseFile();
                }

                CreateFile(newFileAt[i].Zxid);
                createdFile = true;
            }

            segmentStart = segmentEnd;
        }

        Sync();
        if (createdFile && _options.ForceSync)
        {
            DirectorySync.Sync(LogDir);
        }
    }

    /// <summary>
    /// Starts a new file at the next append (<c>rollLog</c>, done after each snapshot so that old files can be
    /// purged). Transactions appended before the roll still go to the current file at the next commit.
    /// </summary>
    public void RollLog() => _rollRequested = true;

    /// <summary>
    /// Removes every transaction after <paramref name="zxid"/> from the log (ZAB's TRUNC): later files are
    /// deleted and the file holding <paramref name="zxid"/> is cut just after it. Appending then starts a new
    /// file. ZooKeeper's <c>truncate</c> keeps one entry past a zxid that is not in the log; this keeps exactly
    /// the entries at or before it.
    /// </summary>
    public void Truncate(long zxid)
    {
        if (_pendingCount > 0)
        {
            throw new InvalidOperationException("commit the appended transactions before truncating the log");
        }

        CloseFile();
        _rollRequested = true;
        TruncateFiles(LogDir, zxid, _logger);
        LastZxidSeen = Math.Min(LastZxidSeen, zxid);
    }

    /// <summary>
    /// <see cref="Truncate"/> on a directory no writer has open; torn tails met on the way are cut too. Returns
    /// the number of files changed or deleted.
    /// </summary>
    public static int TruncateFiles(string logDir, long zxid, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        int changed = 0;
        foreach (var (path, fileZxid) in DataDirFiles.List(logDir, DataDirFiles.LogPrefix, ascending: true))
        {
            if (fileZxid > zxid)
            {
                File.Delete(path);
                Log.LogFileDeleted(logger, path, zxid);
                changed++;
                continue;
            }

            long cut = -1;
            using (var reader = new TxnLogFileReader(path))
            {
                while (reader.TryReadNext(out var entry))
                {
                    if (entry.Header.Zxid > zxid)
                    {
                        cut = reader.EntryOffset;
                        break;
                    }
                }

                if (cut < 0 && reader.End == TxnLogFileEnd.Torn)
                {
                    cut = reader.ValidLength;
                }
            }

            if (cut >= 0)
            {
                CutFile(path, cut);
                Log.LogFileTruncated(logger, path, cut);
                changed++;
            }
        }

        if (changed > 0)
        {
            DirectorySync.Sync(logDir);
        }

        return changed;
    }

    /// <summary>
    /// <c>getLastLoggedZxid</c>: the zxid of the last valid entry of the newest log file; the file's own zxid if
    /// it holds none; -1 when there is no log.
    /// </summary>
    public static long GetLastLoggedZxid(string logDir)
    {
        var files = DataDirFiles.List(logDir, DataDirFiles.LogPrefix, ascending: false);
        if (files.Count == 0)
        {
            return -1;
        }

        long zxid = files[0].Zxid;
        using var reader = new TxnLogFileReader(files[0].Path);
        while (reader.TryReadNext(out var entry))
        {
            zxid = entry.Header.Zxid;
        }

        return zxid;
    }

    /// <summary>Closes the current file. Transactions appended and not committed are dropped.</summary>
    public void Dispose()
    {
        CloseFile();
        _pending.Dispose();
    }

    internal static void CutFile(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.SetLength(handle, length);
        RandomAccess.FlushToDisk(handle);
    }

    private void CreateFile(long zxid)
    {
        _filePath = Path.Combine(LogDir, DataDirFiles.MakeLogName(zxid));
        _file = File.OpenHandle(_filePath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        Span<byte> header = stackalloc byte[FileHeader.Size];
        FileHeader.TxnLog.Write(header);
        RandomAccess.Write(_file, header, 0);
        _position = FileHeader.Size;
        _fileSize = FileHeader.Size;
    }

    private void WriteToCurrentFile(ReadOnlySpan<byte> bytes)
    {
        if (_file is null)
        {
            throw new InvalidOperationException("no log file is open");
        }

        // Grow the file ahead of the write (FilePadding.padFile), by enough blocks to hold the whole batch.
        long preAlloc = _options.PreAllocSize;
        long end = _position + bytes.Length;
        long newSize = FilePadding.CalculateFileSizeWithPadding(_position, _fileSize, preAlloc);
        if (preAlloc > 0 && end > newSize)
        {
            newSize = FilePadding.CalculateFileSizeWithPadding(end, newSize, preAlloc);
        }

        if (newSize != _fileSize)
        {
            RandomAccess.SetLength(_file, newSize);
            _fileSize = newSize;
        }

        RandomAccess.Write(_file, bytes, _position);
        _position = end;
        _fileSize = Math.Max(_fileSize, end);
    }

    private void Sync()
    {
        if (_file is null || !_options.ForceSync)
        {
            return;
        }

        long started = Stopwatch.GetTimestamp();
        RandomAccess.FlushToDisk(_file);
        LastSyncDuration = Stopwatch.GetElapsedTime(started);
        StorageMetrics.FsyncDuration.Record(LastSyncDuration.TotalMilliseconds);
        if (LastSyncDuration > _options.FsyncWarningThreshold)
        {
            Log.SlowFsync(_logger, (long)LastSyncDuration.TotalMilliseconds, _fileSize);
        }
    }

    private void CloseFile()
    {
        if (_file is not null)
        {
            _previousLogsSize += _position;
            _file.Dispose();
        }

        _file = null;
        _filePath = null;
        _position = 0;
        _fileSize = 0;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException($"the transaction log failed earlier and accepts no more writes: {_failure.Message}", _failure);
        }
    }
}
