using BenchmarkDotNet.Attributes;
using CoordAspire.Database.Tree;
using CoordAspire.Storage;

namespace CoordAspire.Benchmarks;

/// <summary>
/// Taking a snapshot of 1,000,000 znodes, split where the threads split it:
/// <list type="bullet">
/// <item><see cref="Capture"/>: <see cref="SnapshotWriter.Begin"/>, all that the thread applying transactions does
/// (every request waits behind it): the node map's references and the sessions copied into the array the previous
/// snapshot left.</item>
/// <item><see cref="WriteOffLoop"/>: <see cref="SnapshotWriter.Complete"/> of that capture, what the snapshot's own
/// thread does: order, ACL ids, serialise, checksum, write (fsync off, to measure the work rather than the disk),
/// rename.</item>
/// <item><see cref="PathsParentFirst"/>: the whole-tree walk the loop thread used to make at the start of every
/// snapshot (before it also serialised 10,000 znodes per turn), kept for comparison.</item>
/// </list>
/// Each invocation is one snapshot, so every iteration is a single invocation with its setup outside the timing.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[MaxColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 1)]
public class SnapshotBenchmarks
{
    private readonly Dictionary<long, int> _sessions = Enumerable.Range(1, 100).ToDictionary(i => (long)i, _ => 30_000);
    private DataTree _tree = null!;
    private string _dir = "";
    private DataDirectory _dataDir = null!;
    private SnapshotWriter? _writer;

    [GlobalSetup]
    public void Setup()
    {
        _tree = BenchData.BuildTree(RecoveryBenchmarks.Znodes);
        _dir = Directory.CreateTempSubdirectory("coordaspire-bench-snapshot-").FullName;
        _dataDir = new DataDirectory(_dir, logOptions: new TxnLogOptions { ForceSync = false });

        // A first snapshot, as a running server has taken one: the capture array is then reused, as it is there.
        File.Delete(_dataDir.Save(_tree, _sessions).Path);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataDir.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public int Capture()
    {
        _writer = _dataDir.BeginSnapshot(_tree, _sessions);
        return _writer.TotalNodes;
    }

    [IterationCleanup(Target = nameof(Capture))]
    public void AbandonCapture()
    {
        _writer!.Dispose();
        _writer = null;
    }

    [IterationSetup(Target = nameof(WriteOffLoop))]
    public void CaptureForWrite() => _writer = _dataDir.BeginSnapshot(_tree, _sessions);

    [Benchmark]
    public long WriteOffLoop()
    {
        var info = _writer!.Complete();
        _writer = null;
        return info.Length;
    }

    [IterationCleanup(Target = nameof(WriteOffLoop))]
    public void DeleteSnapshot()
    {
        foreach (var file in Directory.EnumerateFiles(_dataDir.SnapDir, "snapshot.*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark]
    public int PathsParentFirst() => _tree.PathsParentFirst().Count;
}
