using System.Buffers.Binary;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Storage;

/// <summary>
/// Reads a jute archive from a file through a refillable buffer, so that a snapshot or log of any size is read
/// without holding it in memory, and (for snapshots) keeps the Adler-32 of every byte consumed so far, as Java's
/// <c>CheckedInputStream</c> does.
/// </summary>
internal sealed class JuteFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly bool _checksummed;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _checksumUpTo;
    private long _bufferOffset;
    private Adler32 _adler;

    public JuteFileReader(string path, bool checksummed, int bufferSize = 64 * 1024)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        Length = _stream.Length;
        _checksummed = checksummed;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The file's length when it was opened.</summary>
    public long Length { get; }

    /// <summary>Offset in the file of the next byte to be read.</summary>
    public long Position => _bufferOffset + _start;

    public long RemainingInFile => Length - Position;

    /// <summary>Adler-32 of every byte read so far.</summary>
    public long Checksum
    {
        get
        {
            UpdateChecksum();
            return _adler.Value;
        }
    }

    /// <summary>Makes <paramref name="count"/> bytes readable; false when the file ends first.</summary>
    public bool TryEnsure(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        UpdateChecksum();
        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        }

        _bufferOffset += _start;
        _end -= _start;
        _start = 0;
        _checksumUpTo = 0;
        while (_end < count)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>The next <paramref name="count"/> bytes, valid until the next read.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        if (!TryEnsure(count))
        {
            throw new EndOfStreamException($"{_stream.Name} ends at {Length}, {count} bytes were needed at {Position}");
        }

        var span = _buffer.AsSpan(_start, count);
        _start += count;
        return span;
    }

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public byte ReadByte() => Take(1)[0];

    /// <summary>A jute length (buffer, string or vector), checked against what is left of the file.</summary>
    public int ReadLength(string what)
    {
        int length = ReadInt();
        if (length < -1 || length > RemainingInFile)
        {
            throw new InvalidDataException($"{_stream.Name}: {what} length {length} at {Position - 4} exceeds the {RemainingInFile} bytes left");
        }

        return length;
    }

    public string? ReadString()
    {
        int length = ReadLength("string");
        return length < 0 ? null : ModifiedUtf8.Decode(Take(length));
    }

    public byte[]? ReadBuffer()
    {
        int length = ReadLength("buffer");
        return length < 0 ? null : Take(length).ToArray();
    }

    public void Dispose() => _stream.Dispose();

    private void UpdateChecksum()
    {
        if (_checksummed && _start > _checksumUpTo)
        {
            _adler.Update(_buffer.AsSpan(_checksumUpTo, _start - _checksumUpTo));
            _checksumUpTo = _start;
        }
    }
}
