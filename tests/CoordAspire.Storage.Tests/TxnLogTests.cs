using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>The log writer: group commit, file naming and rolling, preallocation, truncation, write errors.</summary>
public sealed class TxnLogTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 64 * 1024, ForceSync = false };

    private static TxnHeader Header(long zxid) => new(0x55, (int)zxid, zxid, 1000 + zxid, OpCode.SetData);

    private static SetDataTxn Body(long zxid) => new("/n", BitConverter.GetBytes(zxid), (int)zxid);

    private static List<TxnLogEntry> ReadAll(string logDir, long from = 0)
    {
        using var iterator = new TxnLogIterator(logDir, from);
        var entries = new List<TxnLogEntry>();
        while (iterator.MoveNext())
        {
            entries.Add(iterator.Current);
        }

        return entries;
    }

    [Fact]
    public void Appends_reach_the_disk_only_at_commit_and_read_back_in_order()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast with { ForceSync = true });
        for (long z = 1; z <= 5; z++)
        {
            log.Append(Header(z), Body(z));
        }

        Assert.Equal(5, log.PendingCount);
        Assert.Empty(Directory.GetFiles(dir.Path));
        log.Commit();
        Assert.Equal(0, log.PendingCount);
        Assert.Equal(5, log.LastZxidSeen);

        var entries = ReadAll(dir.Path);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Header.Zxid));
        Assert.Equal(Serialize(Header(3), Body(3)), Serialize(entries[2].Header, entries[2].Record));
        Assert.All(entries, e => Assert.Null(e.Digest));
        Assert.Equal(["log.1"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Batches_taken_on_the_loop_are_written_on_another_thread_while_the_next_is_appended()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast with { SizeLimit = 4096 });
        var queue = new System.Collections.Concurrent.BlockingCollection<TxnLogBatch>();
        var durable = 0L;
        var writer = Task.Run(() =>
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                long last = batch.LastZxid;
                log.Write(batch);
                Volatile.Write(ref durable, last);
            }
        });

        long zxid = 0;
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < 1 + (round % 7); i++)
            {
                zxid++;
                log.Append(Header(zxid), Body(zxid));
            }

            if (round % 50 == 49)
            {
                log.RollLog();
            }

            var taken = log.TakeBatch();
            Assert.Equal(zxid, taken.LastZxid);
            queue.Add(taken);
        }

        queue.CompleteAdding();
        await writer;
        Assert.Equal(zxid, Volatile.Read(ref durable));
        Assert.Equal(Enumerable.Range(1, (int)zxid).Select(i => (long)i), ReadAll(dir.Path).Select(e => e.Header.Zxid));
        Assert.True(Directory.GetFiles(dir.Path).Length >= 4, "a file per explicit roll at least");
    }

    [Fact]
    public void Every_record_kind_round_trips()
    {
        using var dir = new TempDirectory();
        var workload = new Workload();
        using (var log = new FileTxnLog(dir.Path, Fast))
        {
            workload = new Workload((h, r) => log.Append(h, r));
            workload.Varied();
            log.Commit();
        }

        var entries = ReadAll(dir.Path);
        Assert.Equal(workload.Txns.Count, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.Equal(workload.Txns[i].Header, entries[i].Header);
            Assert.Equal(Serialize(workload.Txns[i].Header, workload.Txns[i].Record), Serialize(entries[i].Header, entries[i].Record));
        }
    }

    [Fact]
    public void Roll_starts_a_file_named_by_the_next_zxid_even_within_one_batch()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast);
        log.Append(Header(1), Body(1));
        log.Append(Header(2), Body(2));
        log.RollLog();
        log.Append(Header(3), Body(3));
        log.Commit();
        log.RollLog();
        log.RollLog();
        log.Append(Header(0x1a), Body(0x1a));
        log.Commit();
        log.Append(Header(0x1b), Body(0x1b));
        log.Commit();

        Assert.Equal(["log.1", "log.1a", "log.3"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([1L, 2, 3, 0x1a, 0x1b], ReadAll(dir.Path).Select(e => e.Header.Zxid));

        // The iterator starts with the file holding the start zxid and skips what precedes it.
        Assert.Equal([2L, 3, 0x1a, 0x1b], ReadAll(dir.Path, 2).Select(e => e.Header.Zxid));
        Assert.Equal([0x1a, 0x1bL], ReadAll(dir.Path, 4).Select(e => e.Header.Zxid));
        Assert.Empty(ReadAll(dir.Path, 0x1c));
        Assert.Equal(0x1b, FileTxnLog.GetLastLoggedZxid(dir.Path));
    }

    [Fact]
    public void Size_limit_rolls_after_the_commit_that_passes_it()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast with { SizeLimit = 200 });
        for (long z = 1; z <= 10; z++)
        {
            log.Append(Header(z), Body(z));
            log.Commit();
        }

        Assert.True(Directory.GetFiles(dir.Path).Length > 1);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), ReadAll(dir.Path).Select(e => e.Header.Zxid));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(4096L)]
    [InlineData(64L * 1024)]
    public void Preallocation_grows_the_file_in_blocks_ahead_of_the_data(long preAlloc)
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast with { PreAllocSize = preAlloc });
        var big = new byte[3000];
        long written = FileHeader.Size;
        for (long z = 1; z <= 50; z++)
        {
            var body = new SetDataTxn("/n", big, 1);
            log.Append(Header(z), body);
            log.Commit();
            written = log.CurrentLogSize;
            long length = new FileInfo(log.CurrentFile!).Length;
            if (preAlloc == 0)
            {
                Assert.Equal(written, length);
            }
            else
            {
                Assert.True(length > written, "the file always extends past its data");
                Assert.True(length >= FileHeader.Size + preAlloc);
            }
        }

        Assert.Equal(50, ReadAll(dir.Path).Count);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(64L * 1024)]
    public void A_write_error_fails_the_commit_and_every_later_write(long preAlloc)
    {
        if (!File.Exists("/dev/full"))
        {
            return;
        }

        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast with { PreAllocSize = preAlloc });

        // The next file the log creates is /dev/full: every write to it fails with ENOSPC (disk full).
        File.CreateSymbolicLink(Path.Combine(dir.Path, "log.1"), "/dev/full");
        log.Append(Header(1), Body(1));
        Assert.ThrowsAny<IOException>(log.Commit);
        Assert.NotNull(log.Failure);
        Assert.Throws<InvalidOperationException>(() => log.Append(Header(2), Body(2)));
        Assert.Throws<InvalidOperationException>(log.Commit);
    }

    [Fact]
    public void Truncate_keeps_exactly_the_entries_up_to_the_zxid_and_appends_continue()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast);
        for (long z = 1; z <= 30; z++)
        {
            log.Append(Header(z), Body(z));
            log.Commit();
            if (z % 10 == 0)
            {
                log.RollLog();
            }
        }

        Assert.Equal(["log.1", "log.15", "log.b"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        log.Truncate(14);
        Assert.Equal(["log.1", "log.b"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, 14).Select(i => (long)i), ReadAll(dir.Path).Select(e => e.Header.Zxid));

        // New transactions (a new leader's, with the same zxids) go to a new file after the cut.
        for (long z = 15; z <= 16; z++)
        {
            log.Append(Header(z) with { Cxid = 999 }, Body(z));
        }

        log.Commit();
        var entries = ReadAll(dir.Path);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), entries.Select(e => e.Header.Zxid));
        Assert.Equal(999, entries[^1].Header.Cxid);

        log.Truncate(0);
        Assert.Empty(ReadAll(dir.Path));
    }

    [Fact]
    public void Directories_are_really_fsynced_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var dir = new TempDirectory();
        DirectorySync.Sync(dir.Path);
        Assert.True(DirectorySync.IsAvailable, "libc's open/fsync could not be called");
        Assert.Throws<IOException>(() => DirectorySync.Sync(dir.Combine("missing")));
    }

    [Fact]
    public void Failed_serialization_leaves_the_batch_unchanged()
    {
        using var dir = new TempDirectory();
        using var log = new FileTxnLog(dir.Path, Fast);
        log.Append(Header(1), Body(1));
        Assert.ThrowsAny<Exception>(() => log.Append(Header(2), new Throwing()));
        log.Append(Header(2), Body(2));
        log.Commit();
        Assert.Equal([1L, 2], ReadAll(dir.Path).Select(e => e.Header.Zxid));
    }

    private static byte[] Serialize(TxnHeader header, TxnRecord? record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TxnCodec.Write(new Protocol.Jute.JuteWriter(buffer), header, record);
        return buffer.WrittenSpan.ToArray();
    }

    private sealed record Throwing : TxnRecord
    {
        public override void Write(in Protocol.Jute.JuteWriter writer)
        {
            writer.WriteString("half written");
            throw new InvalidOperationException("cannot serialize");
        }
    }
}
