using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Client;

/// <summary>Reads a successful reply's body into the operation's result (runs on the reader, over the frame).</summary>
internal delegate T ResponseReader<T>(Request request, ref JuteReader reader);

/// <summary>A pooled request whose caller awaits a <typeparamref name="T"/> through a ValueTask.</summary>
internal sealed class Request<T> : Request, IValueTaskSource<T>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };
    private ResponseReader<T>? _reader;
    private T _result = default!;

    public static Request<T> Rent(ResponseReader<T>? reader)
    {
        var request = RequestPool<T>.Rent();
        request._reader = reader;
        return request;
    }

    public ValueTask<T> AsValueTask() => new(this, _core.Version);

    public ValueTask AsVoidValueTask() => new(this, _core.Version);

    public T GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            ReleaseCaller();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    protected override void StoreOutcome(ErrorCode err, ref JuteReader reader)
    {
        if (err == ErrorCode.Ok)
        {
            _result = _reader is null ? default! : _reader(this, ref reader);
        }
        else if (ParseErrorReplies && _reader is not null && !reader.End)
        {
            // A failed multi: the reader turns the per-operation results into the exception.
            _result = _reader(this, ref reader);
            Error ??= KeeperException.Create(err, Path);
        }
        else if (err == ErrorCode.NoNode && NoNodeIsNull)
        {
            _result = default!;
        }
        else
        {
            Error = KeeperException.Create(err, Path);
        }
    }

    protected override void SetCoreResult() => _core.SetResult(_result);

    protected override void SetCoreException(Exception error) => _core.SetException(error);

    protected override void ReturnToPool()
    {
        ResetFields();
        _result = default!;
        _reader = null;
        _core.Reset();
        RequestPool<T>.Return(this);
    }
}

/// <summary>A bounded free list of requests per result type.</summary>
internal static class RequestPool<T>
{
    private const int MaxRetained = 1024;
    private static readonly ConcurrentQueue<Request<T>> Items = new();
    private static int _count;

    public static Request<T> Rent()
    {
        if (Items.TryDequeue(out var request))
        {
            Interlocked.Decrement(ref _count);
            return request;
        }

        return new Request<T>();
    }

    public static void Return(Request<T> request)
    {
        if (Interlocked.Increment(ref _count) <= MaxRetained)
        {
            Items.Enqueue(request);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

/// <summary>The one ping frame (xid -2, opcode ping), queued by the pinger when the connection has been idle; and
/// <see cref="Wake"/>, which writes nothing and only wakes a writer so it sees its connection has ended.</summary>
internal sealed class PingRequest : Request
{
    public static readonly PingRequest Instance = new();

    public static readonly PingRequest Wake = new();

    private PingRequest()
    {
        Kind = RequestKind.Ping;
        OpCode = OpCode.Ping;
        var writer = new JuteWriter(Frame);
        writer.WriteInt(8);
        writer.WriteInt(Protocol.Xid.Ping);
        writer.WriteInt((int)OpCode.Ping);
    }

    protected override void StoreOutcome(ErrorCode err, ref JuteReader reader) => throw new InvalidOperationException();

    protected override void SetCoreResult() => throw new InvalidOperationException();

    protected override void SetCoreException(Exception error) => throw new InvalidOperationException();

    protected override void ReturnToPool() => throw new InvalidOperationException();
}
