using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using CoordAspire.Configuration;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// The first bytes on an election connection, from the side that opened it (QuorumCnxManager.startConnection;
/// the accepting side answers nothing):
/// <code>
/// long protocolVersion   -65536 (PROTOCOL_VERSION_V1) — or -65535 (V2, multiAddress.enabled)
/// long sid               the initiator's server id
/// int  length            0 &lt; length ≤ 2048 (QuorumCnxManager.maxBuffer)
/// byte[length]           its election address, "host:port" (V2: several joined by '|'), UTF-8
/// </code>
/// A first long that is not negative is a pre-3.5 initiator's bare sid with nothing after it; 3.8 still accepts it
/// (handleConnection), and so do we. An address that is a wildcard (0.0.0.0) is left out, as InitialMessage.parse does.
/// </summary>
public static class ElectionHandshake
{
    public const long ProtocolVersionV1 = -65536L;

    public const long ProtocolVersionV2 = -65535L;

    /// <summary>QuorumCnxManager.maxBuffer: the longest address text accepted.</summary>
    public const int MaxAddressLength = 2048;

    /// <summary>QuorumPeer.OBSERVER_ID: an observer that does not say who it is (3.8 gives it a negative id).</summary>
    public const long ObserverId = long.MaxValue;

    /// <summary>The V1 header: what 3.8 sends unless multiAddress.enabled.</summary>
    public static byte[] Write(long sid, HostPort electionAddress)
    {
        var address = Encoding.UTF8.GetBytes(electionAddress.ToString());
        var bytes = new byte[20 + address.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ProtocolVersionV1);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), sid);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), address.Length);
        address.CopyTo(bytes, 20);
        return bytes;
    }

    /// <summary>
    /// Parses the handshake at the start of <paramref name="buffer"/>. Returns false when more bytes are needed
    /// (and then <paramref name="consumed"/> is 0).
    /// </summary>
    /// <exception cref="FormatException">Not a handshake 3.8 would accept (InitialMessageException).</exception>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out Initial initial, out long consumed)
    {
        initial = default;
        consumed = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out long protocolVersion))
        {
            return false;
        }

        if (protocolVersion >= 0)
        {
            // A server id, not a protocol version.
            initial = new Initial(protocolVersion, []);
            consumed = reader.Consumed;
            return true;
        }

        if (protocolVersion is not (ProtocolVersionV1 or ProtocolVersionV2))
        {
            throw new FormatException($"Got unrecognized protocol version {protocolVersion}");
        }

        if (!reader.TryReadBigEndian(out long sid) || !reader.TryReadBigEndian(out int length))
        {
            return false;
        }

        if (length <= 0 || length > MaxAddressLength)
        {
            throw new FormatException($"Unreasonable buffer length: {length}");
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer.Slice(reader.Position, length));
        reader.Advance(length);
        initial = new Initial(sid, ParseAddresses(text, sid));
        consumed = reader.Consumed;
        return true;
    }

    private static HostPort[] ParseAddresses(string text, long sid)
    {
        var addresses = new List<HostPort>();
        foreach (var address in text.Split('|'))
        {
            var hostPort = HostAndPort(address);
            if (hostPort.Length != 2)
            {
                throw new FormatException($"Badly formed address: {address} (server {sid})");
            }

            if (!int.TryParse(hostPort[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            {
                throw new FormatException($"Bad port number: {hostPort[1]} (server {sid})");
            }

            var parsed = new HostPort(hostPort[0], port);
            if (!parsed.IsAnyAddress)
            {
                addresses.Add(parsed);
            }
        }

        return [.. addresses];
    }

    /// <summary>ConfigUtils.getHostAndPort: "[v6]:port" or a split on ':'.</summary>
    private static string[] HostAndPort(string s)
    {
        if (!s.StartsWith('['))
        {
            return s.Split(':');
        }

        int close = s.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || close + 2 >= s.Length || s[close + 1] != ':')
        {
            throw new FormatException($"Badly formed address: {s}");
        }

        return [s[1..close], .. s[(close + 2)..].Split(':')];
    }

    /// <summary>What an initiator said: who it is and where it listens (empty for a pre-3.5 peer or a wildcard).</summary>
    public readonly record struct Initial(long Sid, HostPort[] ElectionAddresses);
}
