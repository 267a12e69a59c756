using System.Buffers;
using System.Threading.Channels;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Jute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Storage;

/// <summary>How a <see cref="SnapshotWriter"/> writes.</summary>
public sealed record SnapshotWriterOptions
{
    /// <summary>fsync the snapshot (and its directory) before it counts as written.</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Serialized nodes are handed to the background writer in pieces of about this size.</summary>
    public int HandOffSize { get; init; } = 1024 * 1024;
}

/// <summary>A snapshot that was written and renamed into place.</summary>
public sealed record SnapshotInfo(long Zxid, string Path, long Length, int NodeCount, int SessionCount);

/// <summary>
/// Writes a fuzzy snapshot (format: <see cref="FileSnap"/>) without stalling the one thread that applies
/// transactions. That thread calls <see cref="Begin"/>, then <see cref="WriteChunk"/> between batches until it
/// returns true, then <see cref="CompleteAsync"/>; it keeps applying transactions in between.
/// </summary>
/// <remarks>
/// <para>
/// Begin captures the last applied zxid (the snapshot's name), the sessions, and the list of paths, each parent
/// before its children. Each chunk serializes the state, as it is now, of the next nodes of that list that still
/// exist (ZooKeeper's own snapshot also reads each node at the moment it reaches it). A node created after Begin is
/// not written, and neither is a node whose parent was missing when the parent's turn came (it was deleted, so this
/// node is a later re-creation): replaying the log from the snapshot's zxid creates both. Serialized nodes go to a
/// background task that appends them to a temporary file.
/// </para>
/// <para>
/// The ACL map must name every ACL the nodes refer to, and comes before them in the file. ZooKeeper writes it first
/// and so can miss an ACL set while its nodes are being written; here ids are assigned as nodes are serialized and
/// the map is written as it is at the END, so it always covers them. CompleteAsync, off the calling thread, writes
/// header, sessions and ACL map to a second temporary file, copies the nodes after them under one Adler-32, seals it,
/// fsyncs, and renames it to <c>snapshot.&lt;zxid&gt;</c> (so a reader never sees a partial snapshot under that name),
/// then fsyncs the directory.
/// </para>
/// <para>Temporary files are named <c>tmp.snapshot.*</c>, a prefix ZooKeeper ignores; a restart deletes leftovers.</para>
/// </remarks>
public sealed class SnapshotWriter : IDisposable
{
    public const string TempPrefix = "tmp.snapshot.";

    private readonly SnapshotWriterOptions _options;
    private readonly ILogger _logger;
    private readonly List<string> _paths;
    private readonly KeyValuePair<long, int>[] _sessions;
    private readonly HashSet<string> _notWritten = new(StringComparer.Ordinal);
    private readonly AclMap _acls = new();
    private readonly PooledBuffer _chunk;
    private readonly string _nodesPath;
    private readonly string _assemblyPath;
    private readonly FileStream _nodesFile;
    private readonly Channel<(byte[] Array, int Length)> _handOff;
    private readonly Task _drain;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _pendingBytes;
    private int _next;
    private int _written;
    private int _state; // 0 writing chunks, 1 completing, 2 done or abandoned

    private SnapshotWriter(string snapDir, long zxid, List<string> paths, KeyValuePair<long, int>[] sessions, SnapshotWriterOptions options, ILogger logger)
    {
        SnapDir = snapDir;
        Zxid = zxid;
        _paths = paths;
        _sessions = sessions;
        _options = options;
        _logger = logger;
        FinalPath = Path.Combine(snapDir, DataDirFiles.MakeSnapshotName(zxid));
        string unique = $"{TempPrefix}{DataDirFiles.ToHex(zxid)}.{Guid.NewGuid():N}";
        _nodesPath = Path.Combine(snapDir, unique + ".nodes");
        _assemblyPath = Path.Combine(snapDir, unique);
        Directory.CreateDirectory(snapDir);
        _nodesFile = new FileStream(_nodesPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        _chunk = new PooledBuffer(Math.Max(options.HandOffSize, 4096) + 64 * 1024);
        _handOff = Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _drain = Task.Run(DrainAsync);
    }

    public string SnapDir { get; }

    /// <summary>The last zxid applied when the snapshot began: its name, and where replay resumes (after it).</summary>
    public long Zxid { get; }

    /// <summary><c>snapDir/snapshot.&lt;zxid&gt;</c>, where the snapshot appears once complete.</summary>
    public string FinalPath { get; }

    /// <summary>Paths captured at <see cref="Begin"/>.</summary>
    public int TotalNodes => _paths.Count;

    /// <summary>Nodes written so far.</summary>
    public int NodesWritten => _written;

    /// <summary>True once every captured path has had its turn; then call <see cref="CompleteAsync"/>.</summary>
    public bool AllNodesWritten => _next == _paths.Count;

    /// <summary>Serialized bytes handed off and not yet on the temporary file (a caller may pause chunks while high).</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>
    /// Starts a snapshot of <paramref name="tree"/> as of its last processed zxid. Call on the thread that applies
    /// transactions: it captures the path list (one pass over the tree) and <paramref name="sessions"/> (id →
    /// timeout).
    /// </summary>
    public static SnapshotWriter Begin(
        string snapDir, DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions, SnapshotWriterOptions? options = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var writer = new SnapshotWriter(snapDir, tree.LastProcessedZxid, tree.PathsParentFirst(), sessions.ToArray(), options ?? new SnapshotWriterOptions(), logger);
        Log.Snapshotting(logger, writer.Zxid, writer.FinalPath);
        return writer;
    }

    /// <summary>
    /// Serializes the current state of the next <paramref name="maxNodes"/> captured paths (skipping those gone), on
    /// the calling thread, which must be the one that applies transactions. Returns <see cref="AllNodesWritten"/>.
    /// </summary>
    public bool WriteChunk(DataTree tree, int maxNodes)
    {
        if (_state != 0)
        {
            throw new InvalidOperationException("the snapshot is no longer taking nodes");
        }

        if (_drain.IsFaulted)
        {
            _drain.GetAwaiter().GetResult();
        }

        int end = (int)Math.Min((long)_next + Math.Max(maxNodes, 1), _paths.Count);
        var writer = new JuteWriter(_chunk);
        for (; _next < end; _next++)
        {
            string path = _paths[_next];
            var node = tree.GetNode(path);
            if (node is null || (path != DataTree.Root && _notWritten.Contains(Protocol.ZnodePath.Parent(path))))
            {
                _notWritten.Add(path);
                continue;
            }

            // DataTree.serializeNodeData: path ("" for the root), then DataNode { data, acl id, StatPersisted }.
            writer.WriteString(path == DataTree.Root ? "" : path);
            writer.WriteBuffer(node.Data);
            writer.WriteLong(_acls.IdOf(node.Acl));
            node.ToStatPersisted().Write(writer);
            _written++;
            if (_chunk.WrittenCount >= _options.HandOffSize)
            {
                HandOff();
            }
        }

        HandOff();
        return AllNodesWritten;
    }

    /// <summary>
    /// Finishes the snapshot off the calling thread (see the remarks) once <see cref="AllNodesWritten"/>. When the
    /// task completes, the snapshot is durable under <see cref="FinalPath"/>; if it fails, nothing was renamed and
    /// the temporary files are gone.
    /// </summary>
    public Task<SnapshotInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        StartCompleting();

        // Not Task.Run(…, cancellationToken): a task cancelled before it starts would never clean up.
        return Task.Run(() => Assemble(cancellationToken), CancellationToken.None);
    }

    /// <summary><see cref="CompleteAsync"/> on the calling thread (for startup, tools and tests).</summary>
    public SnapshotInfo Complete()
    {
        StartCompleting();
        return Assemble(CancellationToken.None);
    }

    /// <summary>
    /// Abandons a snapshot that is still taking chunks and deletes its temporary files. Once completion has begun,
    /// the completion cleans up, and this does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) != 0)
        {
            return;
        }

        _handOff.Writer.TryComplete();
        try
        {
            _drain.Wait();
        }
        catch (AggregateException)
        {
            // The snapshot is being abandoned; why its writing failed no longer matters.
        }

        Cleanup();
    }

    private void StartCompleting()
    {
        if (!AllNodesWritten)
        {
            throw new InvalidOperationException($"{_paths.Count - _next} paths have not been written; call WriteChunk until it returns true");
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the snapshot was already completed or abandoned");
        }

        HandOff();
        _handOff.Writer.TryComplete();
    }

    private SnapshotInfo Assemble(CancellationToken cancellationToken)
    {
        try
        {
            _drain.GetAwaiter().GetResult();
            var info = WriteFinalFile(cancellationToken);
            Cleanup();
            StorageMetrics.Snapshots.Add(1);
            StorageMetrics.SnapshotDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);
            return info;
        }
        catch
        {
            Cleanup();
            throw;
        }
        finally
        {
            Volatile.Write(ref _state, 2);
        }
    }

    private SnapshotInfo WriteFinalFile(CancellationToken cancellationToken)
    {
        var adler = default(Adler32);
        using (var output = new FileStream(_assemblyPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            using var prefix = new PooledBuffer(64 * 1024);
            var writer = new JuteWriter(prefix);
            FileHeader.Snapshot.Write(prefix.GetSpan(FileHeader.Size));
            prefix.Advance(FileHeader.Size);

            // SerializeUtils.serializeSnapshot: sessions, then DataTree.serialize: ACL map, nodes.
            writer.WriteInt(_sessions.Length);
            foreach (var (id, timeout) in _sessions)
            {
                writer.WriteLong(id);
                writer.WriteInt(timeout);
            }

            _acls.Write(writer);
            WriteChecked(output, prefix.WrittenSpan, ref adler);

            var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
            try
            {
                _nodesFile.Position = 0;
                int read;
                while ((read = _nodesFile.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    WriteChecked(output, buffer.AsSpan(0, read), ref adler);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // The end of the nodes, then SnapStream.sealStream: the checksum of all of the above, and "/".
            prefix.Clear();
            writer.WriteString("/");
            WriteChecked(output, prefix.WrittenSpan, ref adler);
            prefix.Clear();
            writer.WriteLong(adler.Value);
            writer.WriteString("/");
            output.Write(prefix.WrittenSpan);
            if (_options.Fsync)
            {
                output.Flush(flushToDisk: true);
            }
        }

        File.Move(_assemblyPath, FinalPath, overwrite: true);
        if (_options.Fsync)
        {
            DirectorySync.Sync(SnapDir);
        }

        return new SnapshotInfo(Zxid, FinalPath, new FileInfo(FinalPath).Length, _written, _sessions.Length);
    }

    private static void WriteChecked(FileStream output, ReadOnlySpan<byte> bytes, ref Adler32 adler)
    {
        adler.Update(bytes);
        output.Write(bytes);
    }

    private void HandOff()
    {
        if (_chunk.WrittenCount == 0)
        {
            return;
        }

        var piece = _chunk.Detach(Math.Max(_options.HandOffSize, 4096) + 64 * 1024);
        Interlocked.Add(ref _pendingBytes, piece.Length);
        if (!_handOff.Writer.TryWrite(piece))
        {
            ArrayPool<byte>.Shared.Return(piece.Array);
            throw new InvalidOperationException("the snapshot's background writer has stopped");
        }
    }

    private async Task DrainAsync()
    {
        var reader = _handOff.Reader;
        try
        {
            await foreach (var (array, length) in reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await _nodesFile.WriteAsync(array.AsMemory(0, length)).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(array);
                    Interlocked.Add(ref _pendingBytes, -length);
                }
            }
        }
        catch
        {
            // Stop taking pieces so the loop thread sees the failure at its next chunk, and return what is queued.
            _handOff.Writer.TryComplete();
            while (reader.TryRead(out var queued))
            {
                ArrayPool<byte>.Shared.Return(queued.Array);
            }

            throw;
        }
    }

    private void Cleanup()
    {
        _nodesFile.Dispose();
        _chunk.Dispose();
        TryDelete(_nodesPath);
        TryDelete(_assemblyPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
