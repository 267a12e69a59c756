using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// Reads a snapshot body and its signature off the quorum connection after a SNAP packet (<see cref="SnapshotTransfer"/>),
/// finding the body's end by its structure, as ZooKeeper's learner does by deserializing it:
/// <code>
/// int count; count × { long sessionId; int timeout }                                     SerializeUtils.deserializeSnapshot
/// int count; count × { long id; int n; n × { int perms; string scheme; string id } }    ReferenceCountedACLCache.deserialize
/// { string path; buffer data; long aclId; StatPersisted (60 bytes) }* until path "/"    DataTree.deserialize
/// string "BenWasHere"                                                                    Learner.syncWithLeader
/// </code>
/// Whole items are copied out of the received bytes as they complete, so the connection need not buffer the whole
/// snapshot twice and a huge snapshot streams through; the body collects in one array for the core's
/// <see cref="Zab.Snap"/>. Every length is checked before its bytes are awaited (<see cref="QuorumPacketFraming"/>).
/// </summary>
public sealed class SnapshotBodyScanner
{
    private const int StatPersistedSize = 60;
    private const int SessionSize = 12;

    private readonly int _maxBuffer;
    private readonly long _maxSnapshot;
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private Stage _stage = Stage.SessionCount;
    private long _remaining;

    /// <param name="maxBuffer">The longest string, buffer or single item accepted.</param>
    /// <param name="maxSnapshot">The longest body accepted (it is held in one array).</param>
    public SnapshotBodyScanner(int maxBuffer, long maxSnapshot)
    {
        _maxBuffer = maxBuffer;
        _maxSnapshot = Math.Min(maxSnapshot, Array.MaxLength);
    }

    private enum Stage
    {
        SessionCount,
        Sessions,
        AclCount,
        AclEntries,
        Nodes,
        Signature,
        Done,
    }

    /// <summary>True once the body and the signature have both been read.</summary>
    public bool IsComplete => _stage == Stage.Done;

    /// <summary>The body read so far (all of it once <see cref="IsComplete"/>).</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    public int NodeCount { get; private set; }

    /// <summary>
    /// Consumes every complete item at the start of <paramref name="buffer"/> (which is sliced past them). Returns
    /// <see cref="IsComplete"/>; false means more bytes are needed.
    /// </summary>
    /// <exception cref="JuteException">The bytes are no snapshot body, or the signature is wrong.</exception>
    public bool TryAdvance(ref ReadOnlySequence<byte> buffer)
    {
        while (_stage != Stage.Done)
        {
            var reader = new SequenceReader<byte>(buffer);
            long length = _stage switch
            {
                Stage.SessionCount or Stage.AclCount => MeasureCount(ref reader),
                Stage.Sessions => Math.Min(_remaining, reader.Remaining / SessionSize) * SessionSize,
                Stage.AclEntries => MeasureAclEntry(ref reader),
                Stage.Nodes => MeasureNode(ref reader),
                _ => MeasureSignature(ref reader),
            };

            if (length <= 0)
            {
                return false;
            }

            var item = buffer.Slice(0, length);
            Consume(item);
            buffer = buffer.Slice(length);
        }

        return true;
    }

    private void Consume(in ReadOnlySequence<byte> item)
    {
        switch (_stage)
        {
            case Stage.SessionCount:
                Copy(item);
                _remaining = Count(item, "session count");
                _stage = _remaining > 0 ? Stage.Sessions : Stage.AclCount;
                break;
            case Stage.Sessions:
                Copy(item);
                _remaining -= item.Length / SessionSize;
                if (_remaining == 0)
                {
                    _stage = Stage.AclCount;
                }

                break;
            case Stage.AclCount:
                Copy(item);
                _remaining = Count(item, "ACL map count");
                _stage = _remaining > 0 ? Stage.AclEntries : Stage.Nodes;
                break;
            case Stage.AclEntries:
                Copy(item);
                if (--_remaining == 0)
                {
                    _stage = Stage.Nodes;
                }

                break;
            case Stage.Nodes:
                Copy(item);
                if (item.Length == 5)
                {
                    _stage = Stage.Signature; // the path "/" that ends the nodes
                }
                else
                {
                    NodeCount++;
                }

                break;
            case Stage.Signature:
                var text = Encoding.UTF8.GetString(item.Slice(4));
                if (text != SnapshotTransfer.Signature)
                {
                    throw new JuteException($"Missing signature after the snapshot: got \"{text}\"");
                }

                _stage = Stage.Done;
                break;
        }
    }

    private void Copy(in ReadOnlySequence<byte> item)
    {
        if (_body.WrittenCount + item.Length > _maxSnapshot)
        {
            throw new JuteException($"snapshot body exceeds {_maxSnapshot} bytes");
        }

        item.CopyTo(_body.GetSpan((int)item.Length));
        _body.Advance((int)item.Length);
    }

    private long Count(in ReadOnlySequence<byte> item, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        item.CopyTo(bytes);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (count < 0)
        {
            throw new JuteException($"snapshot {what} {count} is negative");
        }

        return count;
    }

    private static long MeasureCount(ref SequenceReader<byte> reader) => reader.Remaining >= 4 ? 4 : 0;

    /// <summary>long id; int n; n × ACL { int perms; string scheme; string id }.</summary>
    private long MeasureAclEntry(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadBigEndian(out long _) || !reader.TryReadBigEndian(out int n))
        {
            return 0;
        }

        if (n < 0 || n > _maxBuffer / 12)
        {
            throw new JuteException($"snapshot ACL list of {n} entries");
        }

        for (int i = 0; i < n; i++)
        {
            if (!reader.TryReadBigEndian(out int _) || !TrySkipString(ref reader, "ACL scheme") || !TrySkipString(ref reader, "ACL id"))
            {
                return 0;
            }

            CheckItem(reader.Consumed);
        }

        return reader.Consumed;
    }

    /// <summary>string path, and unless it is "/": buffer data; long aclId; StatPersisted.</summary>
    private long MeasureNode(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadBigEndian(out int pathLength))
        {
            return 0;
        }

        if (pathLength < 0 || pathLength > _maxBuffer)
        {
            throw new JuteException($"snapshot node path length {pathLength} is outside [0, {_maxBuffer}]");
        }

        if (reader.Remaining < pathLength)
        {
            return 0;
        }

        if (pathLength == 1 && reader.TryPeek(out byte only) && only == (byte)'/')
        {
            return 5;
        }

        reader.Advance(pathLength);
        if (!TrySkipBuffer(ref reader, "node data") || reader.Remaining < 8 + StatPersistedSize)
        {
            return 0;
        }

        return reader.Consumed + 8 + StatPersistedSize;
    }

    private long MeasureSignature(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadBigEndian(out int length))
        {
            return 0;
        }

        if (length < 0 || length > 1024)
        {
            throw new JuteException($"Missing signature after the snapshot (a string of length {length})");
        }

        return reader.Remaining >= length ? 4 + length : 0;
    }

    private bool TrySkipString(ref SequenceReader<byte> reader, string what)
    {
        if (!reader.TryReadBigEndian(out int length))
        {
            return false;
        }

        if (length < -1 || length > _maxBuffer)
        {
            throw new JuteException($"snapshot {what} length {length} is outside [-1, {_maxBuffer}]");
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

    private bool TrySkipBuffer(ref SequenceReader<byte> reader, string what) => TrySkipString(ref reader, what);

    private void CheckItem(long length)
    {
        if (length > QuorumPacketFraming.MaxPacket(_maxBuffer))
        {
            throw new JuteException($"snapshot item of more than {length} bytes");
        }
    }
}
