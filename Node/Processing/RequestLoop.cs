using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Telemetry;
using CoordAspire.Protocol.Jute;
using Microsoft.Extensions.Logging;
using CoordAspire.Server.Host;

namespace CoordAspire.Node.Processing;

/// <summary>
/// The one place where the <see cref="RequestProcessor"/> runs. Socket readers, the tick timer and the four letter
/// words post <see cref="WorkItem"/>s into a channel; a single task takes them in order, sets the processor's clock
/// before each, runs it, and after each batch wakes the sender of every connection that was given output.
/// </summary>
/// <remarks>
/// This is ZooKeeper's standalone pipeline (<c>PrepRequestProcessor</c> → <c>SyncRequestProcessor</c> →
/// <c>FinalRequestProcessor</c>) folded into one thread, which is what makes its ordering guarantees cheap: one
/// thread applies every change and writes every reply and watch event, so a client sees an event before the reply to
/// anything it asked after the change, and each session's requests are answered in the order sent. Batching
/// (<see cref="MaxBatch"/>, ZooKeeper's <c>zookeeper.maxBatchSize</c>) lets a busy loop wake each sender once per
/// batch rather than once per reply, without delaying anyone when the loop is idle.
/// </remarks>
internal sealed partial class RequestLoop : Server.Host.IWorkQueue, IAsyncDisposable
{
    /// <summary>Items processed before the loop stops to flush (ZooKeeper's <c>zookeeper.maxBatchSize</c> default).</summary>
    public const int MaxBatch = 1000;

    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly RequestProcessor _processor;
    private readonly ServerClock _clock;
    private readonly ILogger _logger;
    private readonly List<ILoopConnection> _toFlush = [];
    private readonly Persistence.DurableLog? _durable;
    private Task _run = Task.CompletedTask;
    private IBatchCommitter? _committer;
    private int _tickPending;

    /// <param name="durable">The transaction log and snapshots; null keeps the tree in memory only (tests of the loop).</param>
    public RequestLoop(RequestProcessor processor, ServerClock clock, ILogger logger, Persistence.DurableLog? durable = null)
    {
        _durable = durable;
        _processor = processor;
        _clock = clock;
        _logger = logger;
    }

    public ServerClock Clock => _clock;

    /// <summary>Completes when the loop has stopped, after <see cref="DisposeAsync"/>.</summary>
    public Task Completion => _run;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>
    /// Replaces the standalone group commit with an ensemble's (ZAB): after each batch the committer proposes,
    /// logs, sends and applies. Set before <see cref="Start"/>.
    /// </summary>
    public void UseCommitter(IBatchCommitter committer) => _committer = committer;

    /// <summary>Runs <paramref name="work"/> on the loop. False once the loop has stopped.</summary>
    public bool Post(ILoopWork work) => _queue.Writer.TryWrite(WorkItem.Do(work));

    public bool PostConnect(ILoopConnection connection, in Protocol.Records.ConnectRequest request, long receivedAt) =>
        _queue.Writer.TryWrite(WorkItem.Connect(connection, request, receivedAt));

    /// <summary>
    /// Posts a packet whose payload is in the first <paramref name="length"/> bytes of a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/>; the loop returns it. False (and the caller keeps the buffer) once stopped.
    /// </summary>
    public bool PostPacket(ILoopConnection connection, byte[] buffer, int length, long receivedAt, string? traceParent = null) =>
        _queue.Writer.TryWrite(WorkItem.Packet(connection, buffer, length, receivedAt, traceParent));

    public bool PostConnectionClosed(ILoopConnection connection) => _queue.Writer.TryWrite(WorkItem.Closed(connection));

    /// <summary>Asks for a <see cref="RequestProcessor.Tick"/>, unless one is already waiting in the queue.</summary>
    public void PostTick()
    {
        if (Interlocked.Exchange(ref _tickPending, 1) == 0 && !_queue.Writer.TryWrite(WorkItem.Tick()))
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    /// <summary>Runs <paramref name="query"/> on the loop, between two work items, so that it sees a consistent state.</summary>
    public Task<T> QueryAsync<T>(Func<RequestProcessor, T> query)
    {
        var item = new LoopQuery<T>(query);
        if (!_queue.Writer.TryWrite(WorkItem.Ask(item)))
        {
            item.Cancel();
        }

        return item.Task;
    }

    /// <summary>Called on the loop when a request is answered: how long it took from being read to its reply.</summary>
    public void RecordLatency(long milliseconds) => _processor.Statistics.RecordLatency(milliseconds);

    /// <summary>Called on the loop by a connection that was just given output: its sender is woken after the batch.</summary>
    public void ScheduleFlush(ILoopConnection connection) => _toFlush.Add(connection);

    /// <summary>Stops taking work, finishes what is queued, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _run.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        Log.LoopStarted(_logger);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int count = 0;
            while (count < MaxBatch && reader.TryRead(out var item))
            {
                Process(item);
                count++;
            }

            CommitBatch();
            FlushAll();
            NodeTelemetry.RequestBatchSize.Record(count);

            // A due snapshot is captured between batches; its own thread writes it.
            if (_durable is not null)
            {
                AdvanceSnapshot();
            }
        }

        Log.LoopStopped(_logger);
    }

    private void Process(in WorkItem item)
    {
        var now = _clock.Now();
        _processor.Now = now;
        switch (item.Kind)
        {
            case WorkKind.Connect:
                ProcessConnect(item.Connection!, item.ConnectRequest);
                break;
            case WorkKind.Packet:
                ProcessPacket(item, now.ElapsedMs);
                break;
            case WorkKind.ConnectionClosed:
                Guard(static (p, c) => p.ConnectionClosed(c), item.Connection!, "connection closed");
                break;
            case WorkKind.Tick:
                Volatile.Write(ref _tickPending, 0);
                Guard(static (p, _) => p.Tick(), null, "tick");
                break;
            case WorkKind.Query:
                // A query sees the state after everything posted before it, committed.
                CommitBatch();
                item.Query!.Run(_processor);
                break;
            case WorkKind.Work:
                try
                {
                    item.Work!.Run();
                }
                catch (Exception e)
                {
                    Log.ProcessingFailed(_logger, item.Work!.GetType().Name, "-", 0, e);
                }

                break;
        }
    }

    private void ProcessConnect(ILoopConnection connection, in Protocol.Records.ConnectRequest request)
    {
        if (connection.RequestsDropped)
        {
            return;
        }

        try
        {
            _processor.ProcessConnect(connection, request);
        }
        catch (Exception e)
        {
            Log.ProcessingFailed(_logger, "connect", connection.RemoteAddress, connection.SessionId, e);
            connection.Close("the server failed to process the connect request");
        }
    }

    private void ProcessPacket(in WorkItem item, long nowElapsed)
    {
        var connection = item.Connection!;
        try
        {
            // The server is closing this connection: nothing more it sent is acted on.
            if (connection.RequestsDropped)
            {
                return;
            }

            var packet = item.Buffer.AsSpan(0, item.Length);
            if (packet.Length >= 8)
            {
                int xid = BinaryPrimitives.ReadInt32BigEndian(packet);
                int opCode = BinaryPrimitives.ReadInt32BigEndian(packet[4..]);
                connection.OnPacketStarting(xid, opCode, item.ReceivedAt);
                if (item.TraceParent is { } traceParent)
                {
                    // The client's request span is the parent of ours; ours (or, unobserved, the client's) is the parent
                    // of whatever the request causes: a forwarded REQUEST, a proposal.
                    var span = NodeTelemetry.StartRequestSpan(traceParent, xid, (Protocol.OpCode)opCode, connection.SessionId);
                    connection.TraceParent = span?.Id ?? traceParent;
                    connection.TrackRequestSpan(xid, span);
                }
            }

            _processor.ProcessPacket(connection, packet);
        }
        catch (JuteException e)
        {
            Log.MalformedPacket(_logger, connection.RemoteAddress, connection.SessionId, e.Message);
            connection.Close("malformed request");
        }
        catch (Exception e)
        {
            Log.ProcessingFailed(_logger, "packet", connection.RemoteAddress, connection.SessionId, e);
            connection.Close("the server failed to process a request");
        }
        finally
        {
            connection.TraceParent = null;
            ArrayPool<byte>.Shared.Return(item.Buffer!);
            connection.OnPacketProcessed();
        }
    }

    private void Guard(Action<RequestProcessor, ILoopConnection> action, ILoopConnection? connection, string what)
    {
        try
        {
            action(_processor, connection!);
        }
        catch (Exception e)
        {
            Log.ProcessingFailed(_logger, what, connection?.RemoteAddress ?? "-", connection?.SessionId ?? 0, e);
        }
    }

    /// <summary>
    /// Group commit: every transaction the batch prepared is appended and synced with one fsync, and only then
    /// applied and answered. If the disk refuses them, none is acknowledged and the server stops taking writes.
    /// </summary>
    private void CommitBatch()
    {
        if (_committer is not null)
        {
            _committer.AfterBatch();
            return;
        }

        if (_processor.PendingCount == 0)
        {
            return;
        }

        var batch = _processor.TakeTxnsToLog();
        if (batch.Count > 0 && _durable is not null)
        {
            try
            {
                _durable.Commit(batch);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Log.LogWriteFailed(_logger, batch.Count, e);
                _processor.Now = _clock.Now();
                _processor.LogFailed(e.Message);
                return;
            }
        }

        _processor.Now = _clock.Now();
        _processor.CommitLogged();
    }

    private void AdvanceSnapshot()
    {
        try
        {
            _durable!.AdvanceSnapshot(_processor);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A failed snapshot loses nothing: the previous snapshot and the log still hold every transaction.
            Log.SnapshotChunkFailed(_logger, e);
        }
    }

    private void FlushAll()
    {
        foreach (var connection in _toFlush)
        {
            connection.Flush();
        }

        _toFlush.Clear();
    }
}
