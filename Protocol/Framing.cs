using System.Buffers;
using System.Buffers.Binary;

namespace CoordAspire.Protocol;

/// <summary>
/// Client-port framing: every message is a 4-byte big-endian length followed by that many bytes.
/// A length beyond <c>jute.maxbuffer</c> (1 MiB − 1 by default) or a negative one is malformed, and ZooKeeper
/// closes the connection rather than trying to read it (<c>NIOServerCnxn.readLength</c>).
/// </summary>
public static class Framing
{
    /// <summary>Apache ZooKeeper's default <c>jute.maxbuffer</c>: 0xfffff.</summary>
    public const int DefaultMaxBuffer = 0xfffff;

    /// <summary>
    /// Slices the next complete frame's payload off <paramref name="buffer"/>. Returns false when more bytes are
    /// needed; throws <see cref="Jute.JuteException"/> for a length no frame may have.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxBuffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > maxBuffer)
        {
            throw new Jute.JuteException($"frame length {length} is outside [0, {maxBuffer}]");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        payload = buffer.Slice(4, length);
        buffer = buffer.Slice(4 + length);
        return true;
    }
}
