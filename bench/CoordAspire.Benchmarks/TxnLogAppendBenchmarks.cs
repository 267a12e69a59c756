using BenchmarkDotNet.Attributes;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage;

namespace CoordAspire.Benchmarks;

/// <summary>
/// Write throughput of the transaction log (issue 3): <see cref="FileTxnLog.Append"/> of setData transactions with
/// 100-byte values, grouped <see cref="BatchSize"/> to a <see cref="FileTxnLog.Commit"/> (one write and, with
/// <see cref="ForceSync"/>, one fsync per batch: ZooKeeper's group commit in <c>SyncRequestProcessor</c>).
/// Each invocation appends <see cref="TxnsPerInvoke"/> transactions, so the reported time is per transaction.
/// </summary>
/// <remarks>
/// The log lives in a fresh directory under /tmp with the default 64 MiB preallocation. So that a long run of the
/// fast cases neither fills the disk nor lets gigabytes of dirty pages pile up (whose writeback would then stall
/// the page cache), the log is rolled whenever its file passes 64 MiB and the finished file is deleted; that costs
/// one file creation per ~350,000 transactions, as a ZooKeeper server rolls its log after each snapshot.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class TxnLogAppendBenchmarks
{
    public const int TxnsPerInvoke = 1000;
    private const long RollAt = 64L * 1024 * 1024;

    private readonly SetDataTxn[] _records = new SetDataTxn[TxnsPerInvoke];
    private string _dir = "";
    private FileTxnLog _log = null!;
    private long _zxid;

    [Params(1, 10, 100, 1000)]
    public int BatchSize { get; set; }

    [Params(true, false)]
    public bool ForceSync { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("coordaspire-bench-txnlog-").FullName;
        _log = new FileTxnLog(_dir, new TxnLogOptions { ForceSync = ForceSync, PreAllocSize = FilePadding.DefaultPreAllocSize });
        var value = BenchData.Value(1);
        for (int i = 0; i < _records.Length; i++)
        {
            _records[i] = new SetDataTxn(BenchData.NodePath(i), value, Version: i);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = TxnsPerInvoke)]
    public void AppendAndCommit()
    {
        var records = _records;
        for (int i = 0; i < records.Length; i += BatchSize)
        {
            int end = Math.Min(i + BatchSize, records.Length);
            for (int j = i; j < end; j++)
            {
                var header = BenchData.Header(++_zxid, OpCode.SetData);
                _log.Append(header, records[j]);
            }

            _log.Commit();
        }

        if (_log.CurrentLogSize > RollAt)
        {
            RollAndDeleteOldFiles();
        }
    }

    private void RollAndDeleteOldFiles()
    {
        var finished = _log.CurrentFile;
        _log.RollLog();
        if (finished is not null)
        {
            // The file is still open until the next commit creates its successor; unlinking an open file is fine on Linux.
            File.Delete(finished);
        }
    }
}
