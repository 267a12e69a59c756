using System.Buffers.Binary;
using CoordAspire.Zab;

namespace CoordAspire.Quorum.Wire;

/// <summary>
/// A fast-leader-election notification as the election port carries it (each message is an int length, then
/// this), FastLeaderElection.buildMsg in 3.8:
/// <code>
/// int  state          QuorumPeer.ServerState ordinal: 0 LOOKING, 1 FOLLOWING, 2 LEADING, 3 OBSERVING
/// long leader         proposed leader
/// long zxid           its last zxid
/// long electionEpoch  the sender's logicalclock (round)
/// long peerEpoch      the proposed leader's epoch
/// int  version        0x2 (Notification.CURRENTVERSION)
/// int  configLength; configLength bytes of QuorumVerifier text (<see cref="QuorumVerifierText"/>)
/// </code>
/// Decoding follows Messenger.WorkerReceiver, which accepts the older layouts too: 28 bytes (no peerEpoch: it is
/// the zxid's epoch), 40 bytes (peerEpoch, no version), and any other length ≥ 28 read with a version, the config
/// only when version &gt; 1.
/// </summary>
public static class NotificationCodec
{
    /// <summary>Notification.CURRENTVERSION.</summary>
    public const int CurrentVersion = 0x2;

    /// <summary>The layout before ZOOKEEPER-107 (3.3): no peerEpoch.</summary>
    public const int Size28 = 28;

    /// <summary>3.4 before 3.4.6: peerEpoch but no version.</summary>
    public const int Size40 = 40;

    /// <summary>The current layout without its config bytes.</summary>
    public const int HeaderSize = 44;

    /// <summary>QuorumCnxManager.PACKETMAXSIZE: the longest election message a 3.8 peer reads.</summary>
    public const int MaxMessage = 512 * 1024;

    public static int Size(ReadOnlySpan<byte> config) => HeaderSize + config.Length;

    /// <summary>Writes buildMsg's bytes (without the int length the connection puts before them).</summary>
    public static void Write(Notification notification, ReadOnlySpan<byte> config, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)notification.State);
        BinaryPrimitives.WriteInt64BigEndian(destination[4..], notification.Leader);
        BinaryPrimitives.WriteInt64BigEndian(destination[12..], notification.Zxid);
        BinaryPrimitives.WriteInt64BigEndian(destination[20..], notification.ElectionEpoch);
        BinaryPrimitives.WriteInt64BigEndian(destination[28..], notification.PeerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(destination[36..], CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(destination[40..], config.Length);
        config.CopyTo(destination[44..]);
    }

    public static byte[] ToArray(Notification notification, ReadOnlySpan<byte> config)
    {
        var bytes = new byte[Size(config)];
        Write(notification, config, bytes);
        return bytes;
    }

    /// <summary>
    /// Decodes a notification as Messenger.WorkerReceiver does. Returns null where it skips the message: shorter
    /// than 28 bytes, truncated, a config length beyond the message, or a state it does not know. The config text is
    /// not returned: we take no configuration from the election (no dynamic reconfiguration).
    /// </summary>
    public static Notification? TryRead(ReadOnlySpan<byte> message, out int version)
    {
        version = 0;
        if (message.Length < Size28)
        {
            return null;
        }

        int state = BinaryPrimitives.ReadInt32BigEndian(message);
        long leader = BinaryPrimitives.ReadInt64BigEndian(message[4..]);
        long zxid = BinaryPrimitives.ReadInt64BigEndian(message[12..]);
        long electionEpoch = BinaryPrimitives.ReadInt64BigEndian(message[20..]);
        long peerEpoch;
        if (message.Length == Size28)
        {
            peerEpoch = Zab.Zxid.EpochOf(zxid);
        }
        else
        {
            if (message.Length < 36)
            {
                return null; // BufferUnderflowException reading peerEpoch
            }

            peerEpoch = BinaryPrimitives.ReadInt64BigEndian(message[28..]);
            if (message.Length != Size40)
            {
                if (message.Length < 40)
                {
                    return null; // BufferUnderflowException reading the version
                }

                version = BinaryPrimitives.ReadInt32BigEndian(message[36..]);
                if (version > 0x1)
                {
                    if (message.Length < HeaderSize)
                    {
                        return null;
                    }

                    int configLength = BinaryPrimitives.ReadInt32BigEndian(message[40..]);
                    if (configLength < 0 || configLength > message.Length - HeaderSize)
                    {
                        return null; // "Invalid configLength", or a BufferUnderflowException reading it
                    }
                }
            }
        }

        if (state is < 0 or > 3)
        {
            return null; // WorkerReceiver: "default: continue"
        }

        return new Notification((ServerState)state, leader, zxid, electionEpoch, peerEpoch);
    }
}
