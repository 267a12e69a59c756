using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage;

namespace CoordAspire.Benchmarks;

/// <summary>
/// Recovery time for 1 million znodes (issue 3): <see cref="DataDirectory.Restore(DataTree, IDictionary{long, int}, Action{TxnLogEntry}?)"/>
/// of a dataDir holding a snapshot of 1,000,000 znodes with 100-byte values plus a log tail of
/// <see cref="LogTailTxns"/> setData transactions after it (0 or 100,000), what a Node does when it starts.
/// </summary>
/// <remarks>
/// The files are in the page cache (they were just written, and each iteration reads them again), so this is a
/// warm restart: the cost of parsing, checksumming and building the tree, not of reading a cold disk.
/// Each iteration starts from a collected heap (<see cref="IterationSetup"/>) so that the previous tree's garbage is
/// not charged to it.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class RecoveryBenchmarks
{
    public const int Znodes = 1_000_000;
    private const int Sessions = 100;

    private string _dir = "";
    private DataTree? _restored;

    /// <summary>setData transactions logged after the snapshot: 0 times the snapshot alone, 100,000 adds a replay.</summary>
    [Params(0, 100_000)]
    public int LogTailTxns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("coordaspire-bench-recovery-").FullName;
        var started = Stopwatch.StartNew();
        var tree = BenchData.BuildTree(Znodes);
        long zxid = tree.LastProcessedZxid;
        var value = BenchData.Value(2);
        var sessions = Enumerable.Range(1, Sessions).ToDictionary(i => (long)i, _ => 30_000);
        var built = started.Elapsed;
        started.Restart();

        using var dataDir = new DataDirectory(_dir, logOptions: new TxnLogOptions { ForceSync = false });
        var snapshot = dataDir.Save(tree, sessions);
        var saved = started.Elapsed;
        started.Restart();

        var random = new Random(3);
        for (int i = 0; i < LogTailTxns; i++)
        {
            int node = random.Next(Znodes);
            dataDir.TxnLog.Append(BenchData.Header(++zxid, OpCode.SetData), new SetDataTxn(BenchData.NodePath(node), value, Version: i + 1));
            if (dataDir.TxnLog.PendingCount == 1000)
            {
                dataDir.TxnLog.Commit();
            }
        }

        dataDir.TxnLog.Commit();
        var logged = started.Elapsed;

        Console.WriteLine(
            $"// Setup: {tree.NodeCount:N0} znodes built through ProcessTxn in {built.TotalSeconds:F1} s; " +
            $"snapshot {snapshot.Length / (1024.0 * 1024):F0} MiB saved in {saved.TotalSeconds:F1} s; " +
            $"{LogTailTxns:N0} txns ({dataDir.TxnLog.TotalLogSize / (1024.0 * 1024):F0} MiB) logged in {logged.TotalSeconds:F1} s");
    }

    [IterationSetup]
    public void CollectPreviousTree()
    {
        _restored = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Benchmark]
    public DataTree Restore()
    {
        using var dataDir = new DataDirectory(_dir);
        var tree = new DataTree();
        var sessions = new Dictionary<long, int>();
        var result = dataDir.Restore(tree, sessions);
        if (result.TxnsReplayed != LogTailTxns || tree.NodeCount < Znodes)
        {
            throw new InvalidOperationException($"restored {tree.NodeCount} znodes and replayed {result.TxnsReplayed} txns");
        }

        _restored = tree;
        return tree;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_restored is not null)
        {
            long withTree = GC.GetTotalMemory(forceFullCollection: true);
            int nodes = _restored.NodeCount;
            _restored = null;
            long withoutTree = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine(
                $"// Retained: the restored tree of {nodes:N0} znodes holds {(withTree - withoutTree) / (1024.0 * 1024):F0} MiB of managed heap " +
                $"({(double)(withTree - withoutTree) / nodes:F0} bytes per znode, its 100-byte value included)");
        }

        Directory.Delete(_dir, recursive: true);
    }
}
