using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

// multi and multiRead (MultiOperationRecord / MultiResponse).
public sealed partial class ZooKeeperClient
{
    private static readonly ResponseReader<IReadOnlyList<OpResult>> MultiResults = ReadMultiResults;

    /// <summary>Starts a transaction (multi) to fill and commit.</summary>
    public Transaction Transaction() => new(this);

    /// <summary>
    /// Several reads in one request (multiRead, ZooKeeper 3.6+): each result is a <see cref="GetDataResult"/>, a
    /// <see cref="GetChildrenResult"/> or, for a read that failed, an <see cref="ErrorResult"/> — one failure does not
    /// fail the others. Not atomic: each read sees the tree as it was when the server came to it.
    /// </summary>
    public ValueTask<IReadOnlyList<OpResult>> MultiReadAsync(IEnumerable<ReadOp> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var ops = operations.ToList();
        if (ops.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<OpResult>>([]);
        }

        var paths = new string[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i].Type is not (OpCode.GetData or OpCode.GetChildren))
            {
                throw new ArgumentException($"{ops[i].Type} is not a read operation", nameof(operations));
            }

            ValidatePath(ops[i].Path);
            paths[i] = ops[i].Path;
        }

        var request = Request<IReadOnlyList<OpResult>>.Rent(MultiResults);
        request.Begin(this, OpCode.MultiRead, null);
        request.State = paths;
        var writer = new JuteWriter(request.Frame);
        foreach (var op in ops)
        {
            new MultiHeader(op.Type, false, (ErrorCode)(-1)).Write(writer);
            WritePath(writer, op.Path);
            writer.WriteBool(false);
        }

        MultiHeader.End.Write(writer);
        return Submit(request, cancellationToken);
    }

    internal ValueTask<IReadOnlyList<OpResult>> MultiAsync(Transaction transaction, CancellationToken cancellationToken)
    {
        var ops = transaction.Operations;
        if (ops.Count == 0)
        {
            // ZooKeeper.multiInternal: nothing to do.
            return ValueTask.FromResult<IReadOnlyList<OpResult>>([]);
        }

        var request = Request<IReadOnlyList<OpResult>>.Rent(MultiResults);
        request.Begin(this, OpCode.Multi, null);
        request.ParseErrorReplies = true;
        request.State = ops.Select(op => op.Path).ToArray();
        var writer = new JuteWriter(request.Frame);
        foreach (var op in ops)
        {
            new MultiHeader(op.Type, false, (ErrorCode)(-1)).Write(writer);
            switch (op.Type)
            {
                case OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl:
                    WriteCreate(writer, op.Path, op.Data.Span, op.Acl, op.Mode, op.Ttl, op.Type);
                    break;
                case OpCode.Delete or OpCode.Check:
                    WritePath(writer, op.Path);
                    writer.WriteInt(op.Version);
                    break;
                case OpCode.SetData:
                    WritePath(writer, op.Path);
                    writer.WriteBuffer(op.Data.Span);
                    writer.WriteInt(op.Version);
                    break;
            }
        }

        MultiHeader.End.Write(writer);
        return Submit(request, cancellationToken);
    }

    /// <summary>MultiResponse: a MultiHeader before each result, the failed ones as ErrorResponse (type -1). A failed
    /// transaction becomes the exception of its first failure, carrying every result (<c>ZooKeeper.multiInternal</c>).</summary>
    private static IReadOnlyList<OpResult> ReadMultiResults(Request request, ref JuteReader reader)
    {
        var client = request.Client;
        var results = new List<OpResult>();
        for (var header = MultiHeader.Read(ref reader); !header.Done; header = MultiHeader.Read(ref reader))
        {
            results.Add(header.Type switch
            {
                OpCode.Create => new CreateResult(client.ToClientPath(reader.ReadString() ?? ""), null),
                OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl =>
                    new CreateResult(client.ToClientPath(reader.ReadString() ?? ""), Stat.Read(ref reader)),
                OpCode.Delete => new DeleteResult(),
                OpCode.SetData => new SetDataResult(Stat.Read(ref reader)),
                OpCode.Check => new CheckResult(),
                OpCode.GetData => new GetDataResult(reader.ReadBuffer() ?? [], Stat.Read(ref reader)),
                OpCode.GetChildren => new GetChildrenResult(reader.ReadStringVector() ?? []),
                OpCode.Error => new ErrorResult((ErrorCode)reader.ReadInt()),
                _ => throw new JuteException($"invalid type {header.Type} in a multi response"),
            });
        }

        if (request.OpCode == OpCode.Multi)
        {
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i] is ErrorResult { Error: not ErrorCode.Ok } failed)
                {
                    var paths = (string[])request.State!;
                    var error = KeeperException.Create(failed.Error, i < paths.Length ? paths[i] : null);
                    error.Results = results;
                    error.FailedOperationIndex = i;
                    throw error;
                }
            }
        }

        return results;
    }
}
