using System.Buffers;
using System.Globalization;
using CoordAspire.Database.Tree;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Storage;
using CoordAspire.Zab;

namespace CoordAspire.Quorum.Wire.Tests;

/// <summary>A snapshot on the quorum connection: SNAP, the body raw, "BenWasHere" (LearnerHandler → Learner).</summary>
public sealed class SnapshotTransferTests
{
    [JavaFact]
    public async Task A_snapshot_ZooKeeper_streams_is_read_whole_whatever_the_pieces_it_arrives_in()
    {
        var stream = Convert.FromHexString((await QuorumGoldenProgram.RunAsync("snap-stream")).StdoutLines.Single());
        var expected = (await QuorumGoldenProgram.RunAsync("read-snap", Convert.ToHexStringLower(stream))).StdoutLines;

        foreach (int piece in new[] { 1, 7, 64, stream.Length })
        {
            var (snap, rest) = ReadSnap(stream, piece);
            Assert.Equal(0, rest);
            Assert.Equal(0x500000004, snap.Zxid);
            var tree = new DataTree(extendedTypesEnabled: true);
            var sessions = new SortedDictionary<long, int>();
            SnapshotStream.Deserialize(snap.Snapshot.Span, snap.Zxid, tree, sessions);
            Assert.Equal(expected, Describe(snap.Zxid, sessions, tree));
        }
    }

    [JavaFact]
    public async Task ZooKeeper_reads_the_snapshot_we_stream_as_a_learner_does()
    {
        var tree = new DataTree(extendedTypesEnabled: true);
        var acl = new List<Acl>(Acls.OpenAclUnsafe) { new(Perms.Read, new Id("digest", "bob:abc=")) };
        tree.RestoreNode("/a", "world"u8.ToArray(), Acls.OpenAclUnsafe, new StatPersisted(0x500000001, 0x500000004, 1700000000000, 1700000000003, 1, 1, 0, 0, 0x500000003));
        tree.RestoreNode("/a/b", null, acl, new StatPersisted(0x500000002, 0x500000002, 1700000000001, 1700000000001, 0, 0, 0, 0, 0x500000002));
        tree.RestoreNode("/a/e", [], Acls.ReadAclUnsafe, new StatPersisted(0x500000003, 0x500000003, 1700000000002, 1700000000002, 0, 0, 0, 0x100000000000001, 0x500000003));
        tree.LastProcessedZxid = 0x500000004;
        var sessions = new SortedDictionary<long, int> { [0x100000000000001] = 30000, [0x100000000000002] = 4000 };

        var bytes = QuorumWireSamples.Encode(new Snap(tree.LastProcessedZxid, SnapshotStream.Serialize(tree, sessions)), PacketDirection.FromLeader);
        var java = await QuorumGoldenProgram.RunAsync("read-snap", Convert.ToHexStringLower(bytes));
        Assert.Equal(Describe(tree.LastProcessedZxid, sessions, tree), java.StdoutLines);
    }

    [Fact]
    public void The_scanner_stops_exactly_after_the_signature()
    {
        var tree = new DataTree();
        tree.RestoreNode("/x", [1, 2], Acls.CreatorAllAcl, default);
        var body = SnapshotStream.Serialize(tree, [new(5, 6000)]);
        var stream = QuorumWireSamples.Encode(new Snap(9, body), PacketDirection.FromLeader)
            .Concat(QuorumWireSamples.Encode(new NewLeader(0x100000000), PacketDirection.FromLeader)).ToArray();

        for (int piece = 1; piece < 40; piece++)
        {
            var (snap, rest) = ReadSnap(stream, piece);
            Assert.Equal(body, snap.Snapshot.ToArray());
            Assert.Equal(QuorumWireSamples.Encode(new NewLeader(0x100000000), PacketDirection.FromLeader).Length, rest);
        }
    }

    [Theory]
    [InlineData("ffffffff", "session count")]
    [InlineData("00000000 fffffffe", "ACL map count")]
    [InlineData("00000000 00000001 0000000000000001 7fffffff", "ACL list")]
    [InlineData("00000000 00000000 7fffffff", "path length")]
    [InlineData("00000000 00000000 00000002 2f61 7fffffff", "node data length")]
    [InlineData("00000000 00000000 00000001 2f 00000004 4e6f7065", "Missing signature")]
    [InlineData("00000000 00000000 00000001 2f 7fffffff", "Missing signature")]
    public void What_is_no_snapshot_body_is_refused(string hex, string what)
    {
        var scanner = new SnapshotBodyScanner(QuorumPacketFraming.DefaultMaxBuffer, 1 << 30);
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
        var e = Assert.Throws<JuteException>(() => scanner.TryAdvance(ref buffer));
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_beyond_the_limit_is_refused()
    {
        var body = SnapshotStream.Serialize(new DataTree(), []);
        var scanner = new SnapshotBodyScanner(QuorumPacketFraming.DefaultMaxBuffer, body.Length - 1);
        var buffer = new ReadOnlySequence<byte>(body);
        Assert.Throws<JuteException>(() => scanner.TryAdvance(ref buffer));
    }

    /// <summary>What a connection does: cut the SNAP packet, then scan the body, feeding pieces as they "arrive".
    /// Returns the Snap with its body and how many bytes were left after the signature.</summary>
    private static (Snap Snap, int Left) ReadSnap(byte[] stream, int piece)
    {
        int received = Math.Min(piece, stream.Length);
        int offset = 0;
        Snap? snap = null;
        SnapshotBodyScanner? scanner = null;
        while (true)
        {
            var buffer = QuorumPacketCodecTests.Segments(stream[offset..received], 5);
            if (scanner is null)
            {
                if (QuorumPacketFraming.TryMeasure(buffer, QuorumPacketFraming.DefaultMaxBuffer, out int length))
                {
                    snap = (Snap)QuorumPacketReader.Read(stream.AsSpan(offset, length), PacketDirection.FromLeader);
                    offset += length;
                    scanner = new SnapshotBodyScanner(QuorumPacketFraming.DefaultMaxBuffer, 1 << 30);
                    continue;
                }
            }
            else
            {
                long before = buffer.Length;
                bool done = scanner.TryAdvance(ref buffer);
                offset += (int)(before - buffer.Length);
                if (done)
                {
                    return (snap! with { Snapshot = scanner.Body }, stream.Length - offset);
                }
            }

            Assert.True(received < stream.Length, "the stream ended before the snapshot did");
            received = Math.Min(received + piece, stream.Length);
        }
    }

    /// <summary>QuorumGolden's read-snap lines for a tree.</summary>
    private static List<string> Describe(long zxid, IDictionary<long, int> sessions, DataTree tree)
    {
        var lines = new List<string>
        {
            $"packet {(int)PacketType.Snap} {Hex(zxid)}",
            "signature BenWasHere",
        };
        lines.AddRange(sessions.OrderBy(s => s.Key).Select(s => $"session {Hex(s.Key)} {s.Value}"));
        foreach (var (path, node) in tree.AllNodes.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            var s = node.ToStatPersisted();
            var acl = string.Join(',', node.Acl.Select(a => $"{(int)a.Perms}:{a.Id.Scheme}:{a.Id.Ident}"));
            var data = node.Data is null ? "null" : Convert.ToHexStringLower(node.Data);
            lines.Add($"node {path}|{data}|{acl}|{Hex(s.Czxid)}|{Hex(s.Mzxid)}|{s.Ctime}|{s.Mtime}|{s.Version}|{s.Cversion}|{s.Aversion}|{Hex(s.EphemeralOwner)}|{Hex(s.Pzxid)}");
        }

        return lines;
    }

    private static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);
}
