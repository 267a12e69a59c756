using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace CoordAspire.Storage;

/// <summary>How a <see cref="SnapshotWriter"/> writes.</summary>
public sealed record SnapshotWriterOptions
{
    /// <summary>fsync the snapshot (and its directory) before it counts as written.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Serialised nodes are checksummed and written to the file in pieces of about this size.</summary>
    public int WriteSize { get; init; } = 1024 * 1024;
}

/// <summary>A snapshot that was written and renamed into place.</summary>
public sealed record SnapshotInfo(long Zxid, string Path, long Length, int NodeCount, int SessionCount);

/// <summary>
/// Writes a fuzzy snapshot (format: <see cref="FileSnap"/>) without stalling the one thread that applies
/// transactions, as ZooKeeper's <c>SyncRequestProcessor</c> hands its snapshot to a thread of its own. That thread
/// calls <see cref="Begin"/>, which only captures references (<see cref="SnapshotCapture"/>), then
/// <see cref="CompleteAsync"/>, which serialises, checksums, writes, fsyncs and renames on a dedicated thread while
/// the caller goes back to applying transactions.
/// </summary>
/// <remarks>
/// <para>
/// The file is written once, front to back, to <c>tmp.snapshot.&lt;zxid&gt;.&lt;unique&gt;</c> (a prefix ZooKeeper
/// ignores; a restart deletes leftovers): header, sessions, ACL map, nodes parent before child, "/", then the
/// Adler-32 of all of it and "/" (<c>SnapStream.sealStream</c>). Once fsynced it is renamed to
/// <c>snapshot.&lt;zxid&gt;</c>, so a reader never sees a partial snapshot under that name, and the directory is
/// fsynced so that the rename survives a crash.
/// </para>
/// <para>
/// <see cref="WriteChunk"/> serialises a few nodes on the calling thread instead, so that a test can interleave
/// transactions with the writing deterministically; <see cref="Complete"/> finishes on the calling thread (startup,
/// tools). One thread at a time drives a writer; <see cref="Dispose"/> may come from another while
/// <see cref="CompleteAsync"/> runs, and abandons the snapshot: once it returns, the snapshot will not be renamed
/// into place (unless it already was).
/// </para>
/// </remarks>
public sealed class SnapshotWriter : IDisposable
{
    public const string TempPrefix = "tmp.snapshot.";

    private const int Open = 0;
    private const int Completing = 1;
    private const int Done = 2;

    private readonly SnapshotCapture _capture;
    private readonly SnapshotWriterOptions _options;
    private readonly string _tempPath;
    private readonly long _started;
    private readonly Lock _gate = new();
    private PooledBuffer? _buffer;
    private SafeFileHandle? _file;
    private Adler32 _checksum;
    private long _fileLength;
    private int _state;
    private bool _abandoned;
    private bool _renamed;

    private SnapshotWriter(string snapDir, SnapshotCapture capture, SnapshotWriterOptions options, long started)
    {
        SnapDir = snapDir;
        _capture = capture;
        _options = options;
        _started = started;
        FinalPath = Path.Combine(snapDir, DataDirFiles.MakeSnapshotName(capture.Zxid));
        _tempPath = Path.Combine(snapDir, $"{TempPrefix}{DataDirFiles.ToHex(capture.Zxid)}.{Guid.NewGuid():N}");
    }

    public string SnapDir { get; }

    /// <summary>The last zxid applied when the snapshot began: its name, and where replay resumes (after it).</summary>
    public long Zxid => _capture.Zxid;

    /// <summary><c>snapDir/snapshot.&lt;zxid&gt;</c>, where the snapshot appears once complete.</summary>
    public string FinalPath { get; }

    /// <summary>Nodes captured at <see cref="Begin"/>: the snapshot holds every one of them.</summary>
    public int TotalNodes => _capture.NodeCount;

    /// <summary>Nodes serialised so far.</summary>
    public int NodesWritten => _capture.NodesWritten;

    /// <summary>Time <see cref="Begin"/> spent capturing, on the caller's thread.</summary>
    public TimeSpan CaptureTime { get; private init; }

    /// <summary>
    /// Starts a snapshot of <paramref name="tree"/> as of its last processed zxid. Call on the thread that applies
    /// transactions: it copies the node map's references and <paramref name="sessions"/> (id → timeout), O(n) and
    /// nothing else; no file is touched until the nodes are written.
    /// </summary>
    public static SnapshotWriter Begin(
        string snapDir, Database.Tree.DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions, SnapshotWriterOptions? options = null, ILogger? logger = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var capture = SnapshotCapture.Take(tree, sessions);
        var writer = new SnapshotWriter(snapDir, capture, options ?? new SnapshotWriterOptions(), started)
        {
            CaptureTime = System.Diagnostics.Stopwatch.GetElapsedTime(started),
        };

        Log.Snapshotting(logger ?? NullLogger.Instance, writer.Zxid, writer.FinalPath);
        return writer;
    }

    /// <summary>
    /// Serialises up to <paramref name="maxNodes"/> more nodes on the calling thread (any thread but, while it
    /// writes, the only one driving this writer). Returns true once every captured node is written.
    /// </summary>
    public bool WriteChunk(int maxNodes)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_abandoned, this);
            if (_state != Open)
            {
                throw new InvalidOperationException("the snapshot is already being completed");
            }
        }

        try
        {
            StartFile();
            return WriteNodes(maxNodes);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the nodes not yet written, seals, fsyncs and renames the snapshot, on a thread of its own. When the
    /// task completes the snapshot is durable under <see cref="FinalPath"/>; if it fails or is abandoned, nothing
    /// was renamed and the temporary file is gone.
    /// </summary>
    public Task<SnapshotInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        StartCompleting();
        var completion = new TaskCompletionSource<SnapshotInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(Finish(cancellationToken));
            }
            catch (OperationCanceledException e)
            {
                completion.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "Snapshot " + DataDirFiles.ToHex(Zxid),
        };

        try
        {
            thread.Start();
        }
        catch
        {
            Cleanup();
            lock (_gate)
            {
                _state = Done;
            }

            throw;
        }

        return completion.Task;
    }

    /// <summary><see cref="CompleteAsync"/> on the calling thread (for startup, tools and tests).</summary>
    public SnapshotInfo Complete()
    {
        StartCompleting();
        return Finish(CancellationToken.None);
    }

    /// <summary>
    /// Abandons the snapshot, from any thread: it will not be renamed into place unless it already was. A writer
    /// that is not completing deletes its temporary file now; a completing one stops at its next piece and deletes
    /// it then. Returns false if the snapshot was already renamed into place.
    /// </summary>
    public bool Abandon()
    {
        lock (_gate)
        {
            if (_renamed)
            {
                return false;
            }

            if (_state == Done)
            {
                return true;
            }

            _abandoned = true;
            if (_state == Completing)
            {
                return true;
            }

            _state = Done;
        }

        Cleanup();
        return true;
    }

    /// <summary><see cref="Abandon"/>: a writer not completed is abandoned; a completed one stays.</summary>
    public void Dispose() => Abandon();

    private void StartCompleting()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_abandoned, this);
            if (_state != Open)
            {
                throw new InvalidOperationException("the snapshot was already completed");
            }

            _state = Completing;
        }
    }

    private SnapshotInfo Finish(CancellationToken cancellationToken)
    {
        try
        {
            StartFile();
            while (!WriteNodes(int.MaxValue))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Volatile.Read(ref _abandoned))
                {
                    throw new OperationCanceledException("the snapshot was abandoned");
                }
            }

            // The end of the nodes, checksummed with everything before; then the seal: that checksum and "/".
            SnapshotCapture.WriteEnd(_buffer!);
            Flush();
            var seal = new Protocol.Jute.JuteWriter(_buffer!);
            seal.WriteLong(_checksum.Value);
            seal.WriteString("/");
            WriteBuffered(checksummed: false);
            if (_options.Fsync)
            {
                RandomAccess.FlushToDisk(_file!);
            }

            _file!.Dispose();
            lock (_gate)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_abandoned)
                {
                    throw new OperationCanceledException("the snapshot was abandoned");
                }

                File.Move(_tempPath, FinalPath, overwrite: true);
                _renamed = true;
            }

            if (_options.Fsync)
            {
                DirectorySync.Sync(SnapDir);
            }

            StorageMetrics.Snapshots.Add(1);
            StorageMetrics.SnapshotDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);
            return new SnapshotInfo(Zxid, FinalPath, _fileLength, _capture.NodeCount, _capture.Sessions.Count);
        }
        finally
        {
            Cleanup();
            lock (_gate)
            {
                _state = Done;
            }
        }
    }

    /// <summary>Creates the temporary file and serialises the header, sessions and ACL map, once.</summary>
    private void StartFile()
    {
        if (_file is not null)
        {
            return;
        }

        Directory.CreateDirectory(SnapDir);
        _file = File.OpenHandle(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        _buffer = new PooledBuffer(Math.Max(_options.WriteSize, 4096) + (64 * 1024));
        FileHeader.Snapshot.Write(_buffer.GetSpan(FileHeader.Size));
        _buffer.Advance(FileHeader.Size);
        _capture.WritePrefix(_buffer);
    }

    private bool WriteNodes(int maxNodes)
    {
        int writeSize = Math.Max(_options.WriteSize, 4096);
        bool done;
        do
        {
            int before = _capture.NodesWritten;
            done = _capture.WriteNodes(_buffer!, maxNodes, writeSize - _buffer!.WrittenCount);
            maxNodes -= _capture.NodesWritten - before;
            if (_buffer.WrittenCount >= writeSize)
            {
                Flush();
            }
        }
        while (!done && maxNodes > 0);

        return done;
    }

    private void Flush() => WriteBuffered(checksummed: true);

    private void WriteBuffered(bool checksummed)
    {
        var bytes = _buffer!.WrittenSpan;
        if (checksummed)
        {
            _checksum.Update(bytes);
        }

        RandomAccess.Write(_file!, bytes, _fileLength);
        _fileLength += bytes.Length;
        _buffer.Clear();
    }

    /// <summary>Closes and, unless renamed, deletes the temporary file; lets go of the capture. Runs once.</summary>
    private void Cleanup()
    {
        _file?.Dispose();
        _buffer?.Dispose();
        _capture.Dispose();
        if (!_renamed)
        {
            try
            {
                File.Delete(_tempPath);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
