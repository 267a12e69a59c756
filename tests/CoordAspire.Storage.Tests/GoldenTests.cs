using System.Buffers.Binary;
using System.Text;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>Persisted constants and bytes that must never change: they are Apache ZooKeeper's on-disk format.</summary>
public sealed class GoldenTests
{
    /// <summary>
    /// snapshot.0 as Apache ZooKeeper 3.8.0 (Debian 3.8.0-11) writes it on an empty dataDir: the fresh tree (root,
    /// /zookeeper, /zookeeper/config with READ_ACL_UNSAFE as ACL id 1, /zookeeper/quota), sealed, then its empty
    /// ZxidDigest (zxid 0, version 2, digest 0) and the second seal.
    /// </summary>
    private const string ApacheSnapshot0 =
        "5a4b534e00000002ffffffffffffffff00000000000000010000000000000001000000010000000100000005776f726c6400000006616e79" +
        "6f6e650000000000000000ffffffffffffffff00000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000000000000000000000000000000000000000000000000a2f7a6f6f6b656570657200000000ffffffffffffffff00000000000000" +
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "112f7a6f6f6b65657065722f636f6e6669670000000000000000000000010000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000ffffffff00000000000000000000000000000000000000102f7a6f6f6b65657065722f71756f74610000" +
        "0000ffffffffffffffff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "0000000000000000000000000000000000012f00000000b8a23b49000000012f000000000000000000000002000000000000000000000000" +
        "95b93d59000000012f";

    [Fact]
    public void Magic_numbers_are_the_ascii_of_ZKLG_and_ZKSN()
    {
        Assert.Equal(0x5a4b4c47, FileHeader.TxnLogMagic);
        Assert.Equal(0x5a4b534e, FileHeader.SnapshotMagic);
        Assert.Equal(FileHeader.TxnLogMagic, BinaryPrimitives.ReadInt32BigEndian("ZKLG"u8));
        Assert.Equal(FileHeader.SnapshotMagic, BinaryPrimitives.ReadInt32BigEndian("ZKSN"u8));
        Assert.Equal(2, FileHeader.CurrentVersion);
        Assert.Equal(new FileHeader(0x5a4b4c47, 2, 0), FileHeader.TxnLog);
        Assert.Equal(new FileHeader(0x5a4b534e, 2, -1), FileHeader.Snapshot);
        Assert.Equal(0x42, FileTxnLog.EndOfRecord);
        Assert.Equal(64L * 1024 * 1024, FilePadding.DefaultPreAllocSize);
        Assert.Equal("version-2", DataDirFiles.VersionDirectory);
    }

    [Theory]
    [InlineData(0L, "log.0", "snapshot.0")]
    [InlineData(1L, "log.1", "snapshot.1")]
    [InlineData(0x1fL, "log.1f", "snapshot.1f")]
    [InlineData(0x100000001L, "log.100000001", "snapshot.100000001")]
    [InlineData(0x7fffffffffffffffL, "log.7fffffffffffffff", "snapshot.7fffffffffffffff")]
    public void File_names_are_lowercase_hex_without_padding(long zxid, string log, string snapshot)
    {
        Assert.Equal(log, DataDirFiles.MakeLogName(zxid));
        Assert.Equal(snapshot, DataDirFiles.MakeSnapshotName(zxid));
        Assert.Equal(zxid, DataDirFiles.ZxidFromName(log, "log"));
        Assert.Equal(zxid, DataDirFiles.ZxidFromName(snapshot, "snapshot"));
    }

    [Theory]
    [InlineData("snapshot.1f.gz", "snapshot", 0x1fL)]
    [InlineData("snapshot.1F", "snapshot", 0x1fL)]
    [InlineData("log.abc.tmp", "log", 0xabcL)]
    [InlineData("log.", "log", -1L)]
    [InlineData("log", "log", -1L)]
    [InlineData("log.xyz", "log", -1L)]
    [InlineData("log.-1", "log", -1L)]
    [InlineData("log.ffffffffffffffff", "log", -1L)]
    [InlineData("snapshot.5", "log", -1L)]
    [InlineData("tmp.snapshot.5", "snapshot", -1L)]
    public void Zxid_from_name_follows_Util_getZxidFromName(string name, string prefix, long zxid) =>
        Assert.Equal(zxid, DataDirFiles.ZxidFromName(name, prefix));

    [Fact]
    public void Adler32_matches_java_util_zip()
    {
        Assert.Equal(1L, Adler32.Compute([]));
        Assert.Equal(0x11e60398L, Adler32.Compute("Wikipedia"u8));

        // Long runs exercise the deferred modulo.
        var big = Enumerable.Range(0, 100_000).Select(i => (byte)(255 - (i % 7))).ToArray();
        var split = default(Adler32);
        split.Update(big.AsSpan(0, 33_333));
        split.Update(big.AsSpan(33_333));
        Assert.Equal(Adler32.Compute(big), split.Value);
        Assert.Equal(NaiveAdler32(big), Adler32.Compute(big));
    }

    [Fact]
    public void A_log_file_is_header_then_checksum_length_txn_B_then_zeros()
    {
        using var dir = new TempDirectory();
        using (var log = new FileTxnLog(dir.Path, new TxnLogOptions { PreAllocSize = 4096, ForceSync = false }))
        {
            log.Append(new TxnHeader(0x1234, 5, 0x100000001, 1000, OpCode.Create), new CreateTxn("/a", "a"u8.ToArray(), Acls.OpenAclUnsafe, false, 1));
            log.Commit();
        }

        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "log.100000001"));

        // The txn bytes, and their Adler-32 as Java computes it (java.util.zip.Adler32 over the same hex: a3c9070c).
        var txn = Convert.FromHexString(
            "0000000000001234" + "00000005" + "0000000100000001" + "00000000000003e8" + "00000001" + // TxnHeader
            "000000022f61" + "0000000161" +                                                          // path, data
            "00000001" + "0000001f" + "00000005776f726c64" + "00000006616e796f6e65" +                // OPEN_ACL_UNSAFE
            "00" + "00000001");                                                                      // ephemeral, parentCVersion
        var expected = Convert.FromHexString("5a4b4c4700000002" + "0000000000000000" + "00000000a3c9070c" + $"{txn.Length:x8}")
            .Concat(txn).Append((byte)0x42).ToArray();
        Assert.Equal(expected, bytes[..expected.Length]);

        // Preallocated: 16 + one 4 KiB block (FilePadding from position 16 and size 16), zeros after the entry.
        Assert.Equal(16 + 4096, bytes.Length);
        Assert.All(bytes[expected.Length..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Snapshot_of_a_fresh_tree_is_Apache_ZooKeepers_snapshot_0_without_its_digest()
    {
        using var dir = new TempDirectory();
        var info = new DataDirectory(dir.Path, logOptions: new TxnLogOptions { ForceSync = false }).Save(new DataTree(), []);
        Assert.Equal("snapshot.0", Path.GetFileName(info.Path));

        var ours = File.ReadAllBytes(info.Path);
        var apache = Convert.FromHexString(ApacheSnapshot0);

        // Everything up to the first seal is identical; ZooKeeper then adds ZxidDigest (20 bytes) and a second seal (13).
        Assert.Equal(apache.Length - 33, ours.Length);
        Assert.Equal(Convert.ToHexString(apache[..ours.Length]), Convert.ToHexString(ours));
    }

    [Fact]
    public void Apache_snapshot_0_reads_back_as_a_fresh_tree()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("snapshot.0");
        File.WriteAllBytes(path, Convert.FromHexString(ApacheSnapshot0));
        var tree = new DataTree();
        var sessions = new Dictionary<long, int>();
        Assert.Equal(0, FileSnap.Deserialize(path, tree, sessions));
        TreeAssert.Equal(new DataTree(), tree);
        Assert.Empty(sessions);
        Assert.Equal(-1, tree.GetNode(DataTree.ConfigZookeeper)!.Aversion);
    }

    [Fact]
    public void Digest_in_a_log_entry_is_read_when_present()
    {
        var header = new TxnHeader(7, 1, 9, 100, OpCode.Delete);
        var body = new DeleteTxn("/x");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new Protocol.Jute.JuteWriter(buffer);
        TxnCodec.Write(writer, header, body);
        var without = TxnLogEntry.Parse(buffer.WrittenSpan);
        writer.WriteInt(2);
        writer.WriteLong(0x1234_5678_9abcL);
        var with = TxnLogEntry.Parse(buffer.WrittenSpan);

        Assert.Null(without.Digest);
        Assert.Equal(new TxnDigest(2, 0x1234_5678_9abcL), with.Digest);
        Assert.Equal(without.Header, with.Header);
        Assert.Equal(without.Record, with.Record);
    }

    private static long NaiveAdler32(byte[] bytes)
    {
        long a = 1, b = 0;
        foreach (var x in bytes)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
