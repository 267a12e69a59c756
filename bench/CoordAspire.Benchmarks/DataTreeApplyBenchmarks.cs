using BenchmarkDotNet.Attributes;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Benchmarks;

/// <summary>
/// Applying committed transactions to the data tree (<see cref="DataTree.ProcessTxn"/>, issue 7): a setData on an
/// existing znode of a 100,000-znode tree, and a create then delete of a znode under a parent with 1,000 children.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DataTreeApplyBenchmarks
{
    private const int Znodes = 100_000;

    private readonly DataTree _tree = new();
    private SetDataTxn[] _sets = [];
    private CreateTxn _create = null!;
    private DeleteTxn _delete = null!;
    private long _zxid;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var value = BenchData.Value(5);
        _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.Create), BenchData.Create("/bench", []));
        for (int p = 0; p < Znodes / 1000; p++)
        {
            _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.Create), BenchData.Create(BenchData.ParentPath(p), []));
        }

        for (int i = 0; i < Znodes; i++)
        {
            _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.Create), BenchData.Create(BenchData.NodePath(i), value));
        }

        var random = new Random(6);
        _sets = Enumerable.Range(0, 1024).Select(i => new SetDataTxn(BenchData.NodePath(random.Next(Znodes)), value, Version: i)).ToArray();
        _create = BenchData.Create("/bench/p050/transient", value);
        _delete = new DeleteTxn("/bench/p050/transient");
    }

    [Benchmark]
    public ProcessTxnResult SetData() =>
        _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.SetData), _sets[_next++ & 1023]);

    [Benchmark]
    public ProcessTxnResult CreateThenDelete()
    {
        var created = _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.Create), _create);
        if (created.Err != ErrorCode.Ok)
        {
            throw new InvalidOperationException($"create: {created.Err}");
        }

        return _tree.ProcessTxn(BenchData.Header(++_zxid, OpCode.Delete), _delete);
    }
}
