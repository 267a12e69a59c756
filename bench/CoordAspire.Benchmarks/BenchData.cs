using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Benchmarks;

/// <summary>The records every benchmark writes: 100-byte values, world-readable ACLs, paths of a realistic length.</summary>
internal static class BenchData
{
    public const int ValueSize = 100;

    public static byte[] Value(int seed)
    {
        var value = new byte[ValueSize];
        new Random(seed).NextBytes(value);
        return value;
    }

    /// <summary>1,000 parents of 1,000 children each: <c>/bench/p000/n000</c>; a flat 1M-child node is not a real tree.</summary>
    public static string NodePath(int i) => $"/bench/p{i / 1000:D3}/n{i % 1000:D3}";

    public static string ParentPath(int i) => $"/bench/p{i:D3}";

    public static CreateTxn Create(string path, byte[] data) => new(path, data, Acls.OpenAclUnsafe, Ephemeral: false, ParentCVersion: -1);

    public static TxnHeader Header(long zxid, OpCode type) => new(ClientId: 0x1234_5678, Cxid: (int)zxid, zxid, Time: 1_764_000_000_000 + zxid, type);

    /// <summary>
    /// A tree of <paramref name="znodes"/> znodes with their own 100-byte values (sharing one array would understate
    /// the memory) under 1,000-child parents, built as a server builds it: through <see cref="DataTree.ProcessTxn"/>.
    /// Returns it with the last zxid used.
    /// </summary>
    public static DataTree BuildTree(int znodes)
    {
        var tree = new DataTree();
        long zxid = 0;
        var value = Value(2);
        tree.ProcessTxn(Header(++zxid, OpCode.Create), Create("/bench", []));
        for (int p = 0; p < (znodes + 999) / 1000; p++)
        {
            tree.ProcessTxn(Header(++zxid, OpCode.Create), Create(ParentPath(p), []));
        }

        for (int i = 0; i < znodes; i++)
        {
            var result = tree.ProcessTxn(Header(++zxid, OpCode.Create), Create(NodePath(i), (byte[])value.Clone()));
            if (result.Err != ErrorCode.Ok)
            {
                throw new InvalidOperationException($"create {NodePath(i)}: {result.Err}");
            }
        }

        return tree;
    }
}
