using BenchmarkDotNet.Attributes;
using CoordAspire.Database.Tree;
using CoordAspire.Storage;

namespace CoordAspire.Benchmarks;

/// <summary>
/// Taking a snapshot of 1,000,000 znodes: <see cref="DataTree.PathsParentFirst"/>, the pass over the whole tree
/// that <see cref="SnapshotWriter.Begin"/> makes on the thread that applies transactions (so every request waits
/// behind it), and <see cref="DataDirectory.Save"/>, a whole snapshot written at once (without fsync, to measure
/// the serialisation rather than the disk).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class SnapshotBenchmarks
{
    private readonly Dictionary<long, int> _sessions = Enumerable.Range(1, 100).ToDictionary(i => (long)i, _ => 30_000);
    private DataTree _tree = null!;
    private string _dir = "";
    private DataDirectory _dataDir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tree = BenchData.BuildTree(RecoveryBenchmarks.Znodes);
        _dir = Directory.CreateTempSubdirectory("coordaspire-bench-snapshot-").FullName;
        _dataDir = new DataDirectory(_dir, logOptions: new TxnLogOptions { ForceSync = false });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataDir.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public int PathsParentFirst() => _tree.PathsParentFirst().Count;

    [Benchmark]
    public long Save()
    {
        var info = _dataDir.Save(_tree, _sessions);
        File.Delete(info.Path);
        return info.Length;
    }
}
