using System.Buffers.Binary;
using System.Text;

namespace CoordAspire.Protocol.Jute;

/// <summary>
/// Reads jute's binary archive (Apache ZooKeeper's <c>BinaryInputArchive</c>) from one contiguous frame:
/// big-endian integers, one-byte booleans, length-prefixed buffers and UTF-8 strings where a length of -1
/// means null, and length-prefixed vectors.
/// </summary>
/// <remarks>
/// Every length is checked against what remains of the frame before anything is allocated, so a hostile
/// length can never make us allocate more than the frame we already hold (ZooKeeper checks against
/// <c>jute.maxbuffer</c> for the same reason).
/// </remarks>
public ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool End => _position >= _buffer.Length;

    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[_position..];

    public int ReadInt()
    {
        var span = Take(4);
        return BinaryPrimitives.ReadInt32BigEndian(span);
    }

    public long ReadLong()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadInt64BigEndian(span);
    }

    /// <summary>Jute writes booleans as one byte; Java reads any non-zero byte as true.</summary>
    public bool ReadBool() => Take(1)[0] != 0;

    public byte ReadByte() => Take(1)[0];

    /// <summary>A length-prefixed byte buffer; -1 means null.</summary>
    public byte[]? ReadBuffer()
    {
        int length = ReadLength("buffer");
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>A length-prefixed buffer as a span over the frame, with no copy; null reads as empty.</summary>
    public ReadOnlySpan<byte> ReadBufferSpan()
    {
        int length = ReadLength("buffer");
        return length < 0 ? default : Take(length);
    }

    /// <summary>
    /// A length-prefixed UTF-8 string; -1 means null. Java clients may send supplementary characters in
    /// Java's modified encoding (each surrogate as its own three-byte sequence), which strict UTF-8 rejects:
    /// those are decoded as the surrogate pair they stand for.
    /// </summary>
    public string? ReadString()
    {
        int length = ReadLength("string");
        if (length < 0)
        {
            return null;
        }

        return ModifiedUtf8.Decode(Take(length));
    }

    /// <summary>Reads a string that the record does not allow to be null (ZooKeeper fails such a request).</summary>
    public string ReadRequiredString(string field) =>
        ReadString() ?? throw new JuteException($"{field} must not be null");

    /// <summary>A vector's element count; -1 means null. Each element needs at least one byte.</summary>
    public int ReadVectorCount()
    {
        int count = ReadInt();
        if (count < -1 || count > Remaining)
        {
            throw new JuteException($"vector count {count} exceeds the {Remaining} bytes left in the frame");
        }

        return count;
    }

    public List<string>? ReadStringVector()
    {
        int count = ReadVectorCount();
        if (count < 0)
        {
            return null;
        }

        var list = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            list.Add(ReadString() ?? string.Empty);
        }

        return list;
    }

    public void Skip(int bytes) => Take(bytes);

    private int ReadLength(string what)
    {
        int length = ReadInt();
        if (length < -1 || length > Remaining)
        {
            throw new JuteException($"{what} length {length} exceeds the {Remaining} bytes left in the frame");
        }

        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _position))
        {
            throw new JuteException($"record truncated: needed {count} bytes at offset {_position}, frame has {_buffer.Length}");
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
