using System.Buffers;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// Finds where the next QuorumPacket ends in the bytes received so far. The quorum port has no frame length
/// (<see cref="QuorumPacket"/>), so the packet's own lengths are walked: type, zxid, data length and data, authinfo
/// count and each Id's two strings.
/// </summary>
/// <remarks>
/// Every length is checked as soon as it is read, before waiting for the bytes it announces, so garbage can neither
/// make us buffer gigabytes nor allocate them: a buffer or string longer than <c>maxBuffer</c> (ZooKeeper's
/// <c>BinaryInputArchive.checkLength</c>: <c>jute.maxbuffer</c> plus 1024 of slack) or a packet longer than twice
/// that (its data plus its authinfo) is malformed.
/// </remarks>
public static class QuorumPacketFraming
{
    /// <summary>type, zxid and the data length: the smallest prefix that says anything about the rest.</summary>
    public const int HeaderSize = 16;

    /// <summary>ZooKeeper's <c>jute.maxbuffer</c> default (0xfffff) plus its <c>zookeeper.jute.maxbuffer.extrasize</c>
    /// default (1024), the longest buffer BinaryInputArchive accepts.</summary>
    public const int DefaultMaxBuffer = 0xfffff + 1024;

    /// <summary>The largest packet accepted when no buffer is longer than <paramref name="maxBuffer"/>.</summary>
    public static int MaxPacket(int maxBuffer) => (int)Math.Min(int.MaxValue, 2L * maxBuffer + 4096);

    /// <summary>
    /// Measures the packet at the start of <paramref name="buffer"/>. Returns false when more bytes are needed.
    /// </summary>
    /// <exception cref="JuteException">A length no packet may have.</exception>
    public static bool TryMeasure(in ReadOnlySequence<byte> buffer, int maxBuffer, out int length)
    {
        length = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out int _) || !reader.TryReadBigEndian(out long _))
        {
            return false;
        }

        if (!TrySkipLength(ref reader, maxBuffer, "data") || !reader.TryReadBigEndian(out int count))
        {
            return false;
        }

        long maxPacket = MaxPacket(maxBuffer);
        if (count < -1 || count > (maxPacket - reader.Consumed) / 8)
        {
            throw new JuteException($"authinfo count {count} is impossible in a packet of at most {maxPacket} bytes");
        }

        for (int i = 0; i < count; i++)
        {
            if (!TrySkipLength(ref reader, maxBuffer, "authinfo scheme") || !TrySkipLength(ref reader, maxBuffer, "authinfo id"))
            {
                return false;
            }

            if (reader.Consumed > maxPacket)
            {
                throw new JuteException($"packet exceeds {maxPacket} bytes");
            }
        }

        if (reader.Consumed > maxPacket)
        {
            throw new JuteException($"packet exceeds {maxPacket} bytes");
        }

        length = (int)reader.Consumed;
        return true;
    }

    /// <summary>Reads a buffer/string length and skips what it announces; false when the bytes are not all here.</summary>
    private static bool TrySkipLength(ref SequenceReader<byte> reader, int maxBuffer, string what)
    {
        if (!reader.TryReadBigEndian(out int length))
        {
            return false;
        }

        if (length < -1 || length > maxBuffer)
        {
            throw new JuteException($"{what} length {length} is outside [-1, {maxBuffer}]");
        }

        if (length <= 0)
        {
            return true;
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        reader.Advance(length);
        return true;
    }
}
