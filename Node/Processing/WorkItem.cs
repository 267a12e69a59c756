using System.Buffers;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol.Records;
using CoordAspire.Server.Host;

namespace CoordAspire.Node.Processing;

internal enum WorkKind : byte
{
    Connect,
    Packet,
    ConnectionClosed,
    Tick,
    Query,
    Work,
}

/// <summary>
/// One thing for the request loop to do. A struct so that posting a packet allocates nothing: the payload travels in
/// a buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the loop returns once processed.
/// </summary>
internal readonly struct WorkItem
{
    private WorkItem(WorkKind kind, ILoopConnection? connection, ConnectRequest connect, byte[]? buffer, int length, long receivedAt, ILoopQuery? query, ILoopWork? work = null, string? traceParent = null)
    {
        Work = work;
        TraceParent = traceParent;
        Kind = kind;
        Connection = connection;
        ConnectRequest = connect;
        Buffer = buffer;
        Length = length;
        ReceivedAt = receivedAt;
        Query = query;
    }

    public WorkKind Kind { get; }

    public ILoopConnection? Connection { get; }

    public ConnectRequest ConnectRequest { get; }

    /// <summary>The rented buffer holding a packet's payload in its first <see cref="Length"/> bytes.</summary>
    public byte[]? Buffer { get; }

    public int Length { get; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> at which the edge read the frame.</summary>
    public long ReceivedAt { get; }

    public ILoopQuery? Query { get; }

    public ILoopWork? Work { get; }

    /// <summary>The W3C traceparent the client sent for this packet (TraceContextExtension), if any.</summary>
    public string? TraceParent { get; }

    public static WorkItem Connect(ILoopConnection connection, in ConnectRequest request, long receivedAt) =>
        new(WorkKind.Connect, connection, request, null, 0, receivedAt, null);

    public static WorkItem Packet(ILoopConnection connection, byte[] buffer, int length, long receivedAt, string? traceParent = null) =>
        new(WorkKind.Packet, connection, default, buffer, length, receivedAt, null, null, traceParent);

    public static WorkItem Closed(ILoopConnection connection) =>
        new(WorkKind.ConnectionClosed, connection, default, null, 0, 0, null);

    public static WorkItem Tick() => new(WorkKind.Tick, null, default, null, 0, 0, null);

    public static WorkItem Ask(ILoopQuery query) => new(WorkKind.Query, null, default, null, 0, 0, query);

    public static WorkItem Do(ILoopWork work) => new(WorkKind.Work, null, default, null, 0, 0, null, work);
}

/// <summary>Something that reads the processor's state on the loop (a four letter word, a test's probe).</summary>
internal interface ILoopQuery
{
    void Run(RequestProcessor processor);

    void Cancel();
}

/// <summary>Runs <paramref name="query"/> on the loop and completes <see cref="Task"/> with its result.</summary>
internal sealed class LoopQuery<T>(Func<RequestProcessor, T> query) : ILoopQuery
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public void Run(RequestProcessor processor)
    {
        try
        {
            _completion.TrySetResult(query(processor));
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
    }

    public void Cancel() => _completion.TrySetCanceled();
}
