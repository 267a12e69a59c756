using CoordAspire.Protocol.Jute;

namespace CoordAspire.Storage;

/// <summary>How the valid part of a log file ended.</summary>
public enum TxnLogFileEnd
{
    /// <summary>Still reading.</summary>
    None,

    /// <summary>The file ends right after a record, or the preallocated zeros begin there: nothing was lost.</summary>
    Clean,

    /// <summary>
    /// Bytes follow the last valid record that are not a valid record (a crash mid-write, a bad checksum, a missing
    /// end-of-record byte): the log ends at the last valid record, and repair cuts the rest.
    /// </summary>
    Torn,
}

/// <summary>
/// Reads the entries of one transaction log file in order (the per-file half of <c>FileTxnIterator</c>); the
/// layout is in <see cref="FileTxnLog"/>'s header. Reading stops at the first position that does not hold a
/// valid entry; <see cref="ValidLength"/> is then where the file's good data ends and <see cref="End"/> says
/// whether anything but zeros followed.
/// </summary>
public sealed class TxnLogFileReader : IDisposable
{
    private readonly JuteFileReader _input;

    public TxnLogFileReader(string path)
    {
        FilePath = path;
        _input = new JuteFileReader(path, checksummed: false);
        if (!_input.TryEnsure(FileHeader.Size))
        {
            // Created but the header never reached the disk: an empty log.
            ValidLength = 0;
            End = _input.Length == 0 ? TxnLogFileEnd.Clean : TxnLogFileEnd.Torn;
            EndReason = "the file is shorter than its header";
            return;
        }

        Header = FileHeader.Read(_input.Take(FileHeader.Size));
        if (Header.Magic != FileHeader.TxnLogMagic)
        {
            _input.Dispose();
            throw new InvalidDataException($"Transaction log: {path} has invalid magic number {Header.Magic} != {FileHeader.TxnLogMagic}");
        }

        ValidLength = FileHeader.Size;
    }

    public string FilePath { get; }

    public FileHeader Header { get; }

    /// <summary>Offset just past the last valid entry read (or past the header before any).</summary>
    public long ValidLength { get; private set; }

    /// <summary>Offset of the entry <see cref="TryReadNext"/> returned last.</summary>
    public long EntryOffset { get; private set; }

    public TxnLogFileEnd End { get; private set; }

    /// <summary>Why the file's valid data ended, when <see cref="End"/> is <see cref="TxnLogFileEnd.Torn"/>.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Reads the next entry; false (with <see cref="End"/> set) when there is no further valid one.</summary>
    /// <exception cref="InvalidDataException">An entry passes its checksum but is not a transaction we know.</exception>
    public bool TryReadNext(out TxnLogEntry entry)
    {
        entry = default;
        if (End != TxnLogFileEnd.None)
        {
            return false;
        }

        long start = _input.Position;
        if (!_input.TryEnsure(12))
        {
            // Fewer bytes left than an entry header: the end, clean if they are only padding.
            var rest = _input.Take((int)_input.RemainingInFile);
            return rest.ContainsAnyExcept((byte)0) ? Stop(TxnLogFileEnd.Torn, "partial entry header") : Stop(TxnLogFileEnd.Clean, null);
        }

        long crc = _input.ReadLong();
        int length = _input.ReadInt();
        if (length == 0)
        {
            // Util.readTxnBytes: "since we preallocate, we define EOF to be an empty transaction".
            return crc == 0 ? Stop(TxnLogFileEnd.Clean, null) : Stop(TxnLogFileEnd.Torn, "entry of length 0 with a checksum");
        }

        if (length < 0 || length + 1L > _input.RemainingInFile)
        {
            return Stop(TxnLogFileEnd.Torn, $"entry length {length} with {_input.RemainingInFile} bytes left");
        }

        var bytes = _input.Take(length + 1);
        if (bytes[length] != FileTxnLog.EndOfRecord)
        {
            return Stop(TxnLogFileEnd.Torn, "missing end-of-record byte");
        }

        bytes = bytes[..length];
        if (Adler32.Compute(bytes) != crc)
        {
            return Stop(TxnLogFileEnd.Torn, "CRC check failed");
        }

        try
        {
            entry = TxnLogEntry.Parse(bytes);
        }
        catch (JuteException e)
        {
            throw new InvalidDataException($"{FilePath}: the entry at {start} passes its checksum but cannot be read: {e.Message}", e);
        }

        EntryOffset = start;
        ValidLength = _input.Position;
        return true;

        bool Stop(TxnLogFileEnd end, string? reason)
        {
            End = end;
            EndReason = reason;
            return false;
        }
    }

    public void Dispose() => _input.Dispose();
}
