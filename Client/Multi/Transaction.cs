using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

/// <summary>
/// A <c>multi</c>: operations applied all together or not at all, in one request.
/// <code>
/// var results = await client.Transaction()
///     .Check("/config", version: 3)
///     .Create("/config/next", data)
///     .SetData("/config", data, version: 3)
///     .Delete("/config/old")
///     .CommitAsync();
/// </code>
/// On failure <see cref="CommitAsync"/> throws the <see cref="KeeperException"/> of the first failed operation
/// (e.g. <see cref="BadVersionException"/>), with every operation's result in <see cref="KeeperException.Results"/>.
/// Arguments are checked as operations are added.
/// </summary>
public sealed class Transaction
{
    private readonly ZooKeeperClient _client;
    private readonly List<TransactionOp> _ops = [];

    internal Transaction(ZooKeeperClient client) => _client = client;

    public int Count => _ops.Count;

    internal IReadOnlyList<TransactionOp> Operations => _ops;

    /// <summary>Creates a znode; its result is a <see cref="CreateResult"/> with the created path (and, for container
    /// and TTL nodes, the Stat: ZooKeeper answers a plain create inside a multi without one, as Java's <c>Op.create</c>).</summary>
    public Transaction Create(
        string path, ReadOnlyMemory<byte> data = default, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null, long ttl = 0)
    {
        var opCode = ZooKeeperClient.CreateOpCode(path, mode, ref acl, ttl, withStat: false);
        _ops.Add(new TransactionOp(opCode, path, data, -1, acl, mode, ttl));
        return this;
    }

    public Transaction Delete(string path, int version = -1)
    {
        ZooKeeperClient.ValidatePath(path);
        _ops.Add(new TransactionOp(OpCode.Delete, path, default, version, null, default, 0));
        return this;
    }

    public Transaction SetData(string path, ReadOnlyMemory<byte> data, int version = -1)
    {
        ZooKeeperClient.ValidatePath(path);
        _ops.Add(new TransactionOp(OpCode.SetData, path, data, version, null, default, 0));
        return this;
    }

    /// <summary>Fails the transaction unless the znode exists with version <paramref name="version"/> (-1: any).</summary>
    public Transaction Check(string path, int version)
    {
        ZooKeeperClient.ValidatePath(path);
        _ops.Add(new TransactionOp(OpCode.Check, path, default, version, null, default, 0));
        return this;
    }

    /// <summary>Sends the transaction; an empty one completes at once with no results.</summary>
    public ValueTask<IReadOnlyList<OpResult>> CommitAsync(CancellationToken cancellationToken = default) =>
        _client.MultiAsync(this, cancellationToken);
}

/// <summary>One operation of a <see cref="Transaction"/>.</summary>
internal readonly record struct TransactionOp(
    OpCode Type, string Path, ReadOnlyMemory<byte> Data, int Version, IReadOnlyList<Acl>? Acl, CreateMode Mode, long Ttl);

/// <summary>One read of a <see cref="ZooKeeperClient.MultiReadAsync"/> batch.</summary>
public readonly record struct ReadOp(OpCode Type, string Path)
{
    /// <summary>Reads data and Stat: a <see cref="GetDataResult"/>.</summary>
    public static ReadOp GetData(string path) => new(OpCode.GetData, path);

    /// <summary>Reads the children's names: a <see cref="GetChildrenResult"/>.</summary>
    public static ReadOp GetChildren(string path) => new(OpCode.GetChildren, path);
}
