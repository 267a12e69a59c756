using System.Collections.Frozen;
using System.Text;
using CoordAspire.Configuration;
using CoordAspire.Zab;

namespace CoordAspire.Quorum.Wire.Tests;

/// <summary>
/// The messages QuorumGolden.java builds with Apache ZooKeeper's classes, here as Zab messages: the same name in
/// both lists means the same packet, so our bytes must equal theirs.
/// </summary>
internal static class QuorumWireSamples
{
    public const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static readonly byte[] TxnBytes = [1, 2, 3, 4, 5];

    /// <summary>QuorumGolden.config(): the same four servers and version.</summary>
    public static readonly IReadOnlyDictionary<long, QuorumServer> Servers = new Dictionary<long, QuorumServer>
    {
        [1] = new(1, "127.0.0.1", 2888, 3888, LearnerType.Participant, null),
        [2] = new(2, "127.0.0.1", 2889, 3889, LearnerType.Participant, null),
        [3] = new(3, "127.0.0.1", 2890, 3890, LearnerType.Participant, new HostPort("0.0.0.0", 2181)),
        [4] = new(4, "::1", 2891, 3891, LearnerType.Observer, null),
    }.ToFrozenDictionary();

    public const long ConfigVersion = 0x100000000;

    public static byte[] QuorumVerifier => QuorumVerifierText.FormatUtf8(Servers, ConfigVersion);

    public static ReadOnlyMemory<byte> Trace => Encoding.ASCII.GetBytes(TraceParent);

    /// <summary>Name (as QuorumGolden prints it) → message and who writes it.</summary>
    public static IEnumerable<(string Name, QuorumMessage Message, PacketDirection Direction)> Packets()
    {
        const long session = 0x100000000000001;
        yield return ("FollowerInfo", new LearnerInfo(5, IsObserver: false, 0x10000, 0x100000000) { From = 3 }, PacketDirection.FromLearner);
        yield return ("ObserverInfo", new LearnerInfo(0, IsObserver: true) { From = 4 }, PacketDirection.FromLearner);
        yield return ("LeaderInfo", new LeaderInfo(6), PacketDirection.FromLeader);
        yield return ("AckEpoch", new AckEpoch(5, 0x500000007), PacketDirection.FromLearner);
        yield return ("AckEpochAlreadyAccepted", new AckEpoch(-1, 0x600000000), PacketDirection.FromLearner);
        yield return ("Diff", new Diff(0x500000007), PacketDirection.FromLeader);
        yield return ("Trunc", new Trunc(0x500000003), PacketDirection.FromLeader);
        yield return ("Proposal", new Proposal(new Txn(0x600000001, TxnBytes)), PacketDirection.FromLeader);
        yield return ("ProposalTraced", new Proposal(new Txn(0x600000001, TxnBytes, Trace)), PacketDirection.FromLeader);
        yield return ("Ack", new Ack(0x600000001), PacketDirection.FromLearner);
        yield return ("Commit", new Commit(0x600000001), PacketDirection.FromLeader);
        yield return ("Inform", new Inform(new Txn(0x600000001, TxnBytes)), PacketDirection.FromLeader);
        yield return ("NewLeader", new NewLeader(0x600000000), PacketDirection.FromLeader);
        yield return ("UpToDate", new UpToDate(), PacketDirection.FromLeader);
        yield return ("PingFromLeader", new Ping(0x600000004, []), PacketDirection.FromLeader);
        yield return ("PingFromLearner", new Ping(0x600000004, [new(session, 30000), new(0x100000000000002, 4000)]), PacketDirection.FromLearner);
        yield return ("PingFromLearnerNoTouches", new Ping(0x600000004, []), PacketDirection.FromLearner);
        yield return ("Request", new Request(session, 7, 1, new byte[] { 9, 8, 7 })
        {
            AuthInfo = [new("ip", "127.0.0.1"), new("digest", "bob:abc=")],
        }, PacketDirection.FromLearner);
        yield return ("RequestTraced", new Request(session, 7, 1, new byte[] { 9, 8, 7 })
        {
            AuthInfo = [new("ip", "127.0.0.1"), new("digest", "bob:abc=")],
            TraceContext = Trace,
        }, PacketDirection.FromLearner);
        yield return ("RequestNoAuth", new Request(session, 8, Request.SyncOpCode, ReadOnlyMemory<byte>.Empty), PacketDirection.FromLearner);
        yield return ("Revalidate", new Revalidate(session, 30000), PacketDirection.FromLearner);
        yield return ("RevalidateReply", new RevalidateReply(session, true), PacketDirection.FromLeader);
        yield return ("Sync", new Sync(), PacketDirection.FromLeader);
    }

    public static byte[] Encode(QuorumMessage message, PacketDirection direction)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        QuorumPacketWriter.Write(message, direction, buffer, QuorumVerifier);
        return buffer.WrittenSpan.ToArray();
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
