namespace CoordAspire.Storage;

/// <summary>A log file whose valid entries end before the file does (see <see cref="TxnLogFileEnd.Torn"/>).</summary>
public sealed record TornLogFile(string Path, long ValidLength, long FileLength, string Reason);

/// <summary>
/// Reads the transaction log from a zxid on, across files in zxid order (<c>FileTxnLog.FileTxnIterator</c>): it
/// starts with the newest file whose first zxid is at or before the start zxid (the one that holds it), skips the
/// entries before it, and goes on through every later file. Each file is read up to its last valid entry (see
/// <see cref="TxnLogFileReader"/>); a torn file is reported in <see cref="TornFiles"/> and reading continues with the
/// next file, as ZooKeeper continues after a partial last record.
/// </summary>
public sealed class TxnLogIterator : IDisposable
{
    private readonly List<(string Path, long Zxid)> _files;
    private readonly long _startZxid;
    private readonly List<TornLogFile> _torn = [];
    private int _nextFile;
    private TxnLogFileReader? _reader;

    public TxnLogIterator(string logDir, long startZxid)
    {
        _startZxid = startZxid;
        _files = SelectFiles(logDir, startZxid);
    }

    /// <summary>The log files this iterator reads, oldest first.</summary>
    public IReadOnlyList<(string Path, long Zxid)> Files => _files;

    public TxnLogEntry Current { get; private set; }

    /// <summary>The file <see cref="Current"/> came from.</summary>
    public string? CurrentFile => _reader?.FilePath;

    /// <summary>Offset just past <see cref="Current"/> in <see cref="CurrentFile"/>.</summary>
    public long CurrentEnd => _reader?.ValidLength ?? 0;

    /// <summary>Offset of <see cref="Current"/> in <see cref="CurrentFile"/>.</summary>
    public long CurrentOffset => _reader?.EntryOffset ?? 0;

    /// <summary>Files read so far whose valid entries ended before the file did.</summary>
    public IReadOnlyList<TornLogFile> TornFiles => _torn;

    /// <summary>
    /// <c>FileTxnIterator.init</c>: every log file whose first zxid is at or after <paramref name="startZxid"/>, plus
    /// the newest one before it (which holds it, or holds nothing newer), oldest first.
    /// </summary>
    public static List<(string Path, long Zxid)> SelectFiles(string logDir, long startZxid)
    {
        var selected = new List<(string Path, long Zxid)>();
        foreach (var file in DataDirFiles.List(logDir, DataDirFiles.LogPrefix, ascending: false))
        {
            selected.Add(file);
            if (file.Zxid < startZxid)
            {
                break;
            }
        }

        selected.Reverse();
        return selected;
    }

    /// <summary>Moves to the next entry whose zxid is at or after the start zxid; false at the end of the log.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            if (_reader is null)
            {
                if (_nextFile == _files.Count)
                {
                    return false;
                }

                _reader = new TxnLogFileReader(_files[_nextFile++].Path);
            }

            if (_reader.TryReadNext(out var entry))
            {
                if (entry.Header.Zxid < _startZxid)
                {
                    continue;
                }

                Current = entry;
                return true;
            }

            if (_reader.End == TxnLogFileEnd.Torn)
            {
                _torn.Add(new TornLogFile(_reader.FilePath, _reader.ValidLength, new FileInfo(_reader.FilePath).Length, _reader.EndReason ?? "torn"));
            }

            _reader.Dispose();
            _reader = null;
        }
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
