using CoordAspire.Database.Tree;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>
/// A crash can leave the last record of the log partly written. Restore must yield every complete record, cut
/// the rest so it can never be mis-read, and let appends continue (cf. garnet's RespAofTornTailTests).
/// </summary>
public sealed class TornTailTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 4096, ForceSync = false };

    /// <summary>A data directory with snapshot.0 and one log file of <paramref name="count"/> transactions.</summary>
    private static (string LogFile, long LastRecordStart, long LastRecordEnd) Build(string path, int count)
    {
        using var dataDir = new DataDirectory(path, logOptions: Fast);
        var live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
        dataDir.Restore(live.Tree, live.Sessions);
        live.CreateSession(0x77);
        live.Create("/t", null);
        for (int i = 0; i < count - 2; i++)
        {
            live.Create("/t/n" + i, [(byte)i], ephemeralSession: i % 2 == 0 ? 0x77 : 0);
        }

        dataDir.TxnLog.Commit();
        using var iterator = new TxnLogIterator(dataDir.LogDir, 0);
        long start = 0, end = 0;
        while (iterator.MoveNext())
        {
            start = iterator.CurrentOffset;
            end = iterator.CurrentEnd;
        }

        return (Path.Combine(dataDir.LogDir, "log.1"), start, end);
    }

    /// <summary>The tree after the first <paramref name="txns"/> transactions of the same workload.</summary>
    private static (DataTree Tree, Dictionary<long, int> Sessions) Expected(int txns, int count)
    {
        var w = new Workload();
        w.CreateSession(0x77);
        w.Create("/t", null);
        for (int i = 0; i < count - 2; i++)
        {
            w.Create("/t/n" + i, [(byte)i], ephemeralSession: i % 2 == 0 ? 0x77 : 0);
        }

        var replay = new Workload();
        foreach (var (h, r) in w.Txns.Take(txns))
        {
            replay.Apply(h, r);
        }

        return (replay.Tree, replay.Sessions);
    }

    [Fact]
    public void Cut_at_every_byte_of_the_last_record_restores_the_complete_records_and_appends_continue()
    {
        const int count = 8;
        using var dir = new TempDirectory();
        var (_, start, end) = Build(dir.Combine("original"), count);
        var (expectedTree, expectedSessions) = Expected(count - 1, count);
        var (fullTree, _) = Expected(count, count);

        for (long cut = start; cut < end; cut++)
        {
            foreach (var tail in new[] { "none", "zeros", "garbage" })
            {
                var copy = dir.CopyFrom(dir.Combine("original"), $"cut-{cut}-{tail}");
                var copyLog = Path.Combine(copy, "version-2", "log.1");
                FileTxnLog.CutFile(copyLog, cut);
                if (tail != "none")
                {
                    // What a crash leaves after a torn write: preallocated zeros, or stale bytes.
                    using var stream = new FileStream(copyLog, FileMode.Append);
                    var rest = new byte[600];
                    if (tail == "garbage")
                    {
                        new Random((int)cut).NextBytes(rest);
                    }

                    stream.Write(rest);
                }

                using (var dataDir = new DataDirectory(copy, logOptions: Fast))
                {
                    var tree = new DataTree(extendedTypesEnabled: true);
                    var sessions = new Dictionary<long, int>();
                    var result = dataDir.Restore(tree, sessions);
                    TreeAssert.Equal(expectedTree, tree);
                    TreeAssert.SessionsEqual(expectedSessions, sessions);
                    Assert.Equal(count - 1, result.TxnsReplayed);

                    // Whatever follows the last valid record is gone, or is zeros (which read as the end, like
                    // padding: the first bytes of a checksum are zero, so a record cut within them is such zeros).
                    var after = File.ReadAllBytes(copyLog)[(int)start..];
                    Assert.True(after.All(b => b == 0), $"cut {cut} {tail}: {after.Length} bytes after the last valid record");
                    if (tail == "garbage")
                    {
                        Assert.Empty(after);
                        Assert.Single(result.RepairedLogs);
                    }

                    // Appends continue after the valid data: the lost transaction is written again.
                    var (h, r) = LastTxn(count);
                    dataDir.TxnLog.Append(h, r);
                    dataDir.TxnLog.Commit();
                }

                using (var again = new DataDirectory(copy, logOptions: Fast))
                {
                    var tree = new DataTree(extendedTypesEnabled: true);
                    var result = again.Restore(tree, new Dictionary<long, int>());
                    TreeAssert.Equal(fullTree, tree);
                    Assert.Empty(result.RepairedLogs);
                }
            }
        }
    }

    [Fact]
    public void A_bit_flip_in_the_last_record_ends_the_log_before_it()
    {
        const int count = 6;
        using var dir = new TempDirectory();
        var (_, start, end) = Build(dir.Combine("original"), count);
        var (expectedTree, _) = Expected(count - 1, count);
        for (long offset = start; offset < end; offset += 3)
        {
            var copy = dir.CopyFrom(dir.Combine("original"), $"flip-{offset}");
            var copyLog = Path.Combine(copy, "version-2", "log.1");
            var bytes = File.ReadAllBytes(copyLog);
            bytes[offset] ^= 0x10;
            File.WriteAllBytes(copyLog, bytes);

            using var dataDir = new DataDirectory(copy, logOptions: Fast);
            var tree = new DataTree(extendedTypesEnabled: true);
            dataDir.Restore(tree, new Dictionary<long, int>());
            TreeAssert.Equal(expectedTree, tree);
            Assert.Equal(start, new FileInfo(copyLog).Length);
        }
    }

    [Fact]
    public void The_preallocated_zero_tail_is_a_clean_end_and_is_left_alone()
    {
        using var dir = new TempDirectory();
        var (logFile, _, end) = Build(dir.Path, 5);
        long length = new FileInfo(logFile).Length;
        Assert.True(length > end, "preallocated");
        Assert.All(File.ReadAllBytes(logFile)[(int)end..], b => Assert.Equal(0, b));

        using var dataDir = new DataDirectory(dir.Path, logOptions: Fast);
        var result = dataDir.Restore(new DataTree(extendedTypesEnabled: true), new Dictionary<long, int>());
        Assert.Equal(5, result.TxnsReplayed);
        Assert.Empty(result.RepairedLogs);
        Assert.Equal(length, new FileInfo(logFile).Length);
    }

    [Fact]
    public void A_log_file_cut_inside_its_header_holds_nothing()
    {
        using var dir = new TempDirectory();
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            dataDir.Restore(new DataTree(), new Dictionary<long, int>());
        }

        var logFile = Path.Combine(dir.Path, "version-2", "log.1");
        File.WriteAllBytes(logFile, [0x5a, 0x4b, 0x4c]);
        using (var dataDir = new DataDirectory(dir.Path, logOptions: Fast))
        {
            var result = dataDir.Restore(new DataTree(), new Dictionary<long, int>());
            Assert.Equal(0, result.TxnsReplayed);
            Assert.Equal(0, new FileInfo(logFile).Length);
            var w = new Workload((h, r) => dataDir.TxnLog.Append(h, r), tree: new DataTree());
            w.Create("/after", null);
            dataDir.TxnLog.Commit();
        }

        using var reopened = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree();
        Assert.Equal(1, reopened.Restore(tree, new Dictionary<long, int>()).TxnsReplayed);
        Assert.NotNull(tree.GetNode("/after"));
    }

    private static (Protocol.Txn.TxnHeader, Protocol.Txn.TxnRecord?) LastTxn(int count)
    {
        var w = new Workload();
        w.CreateSession(0x77);
        w.Create("/t", null);
        for (int i = 0; i < count - 2; i++)
        {
            w.Create("/t/n" + i, [(byte)i], ephemeralSession: i % 2 == 0 ? 0x77 : 0);
        }

        return w.Txns[^1];
    }
}
