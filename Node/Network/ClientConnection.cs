using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CoordAspire.Node.Commands;
using CoordAspire.Node.Processing;
using CoordAspire.Node.Telemetry;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Network;

/// <summary>
/// One client socket (ZooKeeper's <c>NIOServerCnxn</c>): a reader task that cuts the byte stream into frames and
/// posts them to the <see cref="RequestLoop"/> (<c>ClientConnection.Receive.cs</c>), and a sender task that writes
/// what the loop framed into the <see cref="OutboundBuffer"/> (<c>ClientConnection.Send.cs</c>), which is also where
/// the processor's <see cref="Database.Processing.IClientChannel"/> is implemented.
/// </summary>
/// <remarks>
/// Closing has three flavours. The processor's <see cref="Close"/> (or a four letter word, or the client's end of
/// stream) is graceful: what was queued before is sent, then a FIN, then the reader drains the client's last bytes
/// until it closes its side or <see cref="ConnectionLimits.CloseLinger"/> passes, so that no reset destroys the last
/// reply. Malformed input closes after the same flush, without waiting. <see cref="Abort"/> (a hopeless backlog,
/// server shutdown) drops everything at once. Whichever way, the processor is told
/// <see cref="Database.Processing.RequestProcessor.ConnectionClosed"/> exactly once if it ever saw the connection.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the lifetime: it disposes the socket, stream and buffers once both of its tasks have ended; the loop may still call in after that, harmlessly.")]
internal sealed partial class ClientConnection : ILoopConnection
{
    private const int Open = 0;
    private const int Closing = 1;
    private const int Aborted = 2;

    private static long s_nextId;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly OutboundBuffer _outbound = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _credits;
    private readonly RequestLoop _loop;
    private readonly ConnectionLimits _limits;
    private readonly IFourLetterWordHandler _fourLetterWords;
    private readonly ILogger _logger;
    private int _state;
    private volatile bool _requestsDropped;
    private string _closeReason = "client closed the connection";

    public ClientConnection(Socket socket, RequestLoop loop, ConnectionLimits limits, IFourLetterWordHandler fourLetterWords, ILogger logger)
    {
        _socket = socket;
        _loop = loop;
        _limits = limits;
        _fourLetterWords = fourLetterWords;
        _logger = logger;
        _credits = new SemaphoreSlim(limits.MaxQueuedRequests, limits.MaxQueuedRequests);
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Id = Interlocked.Increment(ref s_nextId);
        RemoteEndPoint = Normalize(socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0));
        RemoteAddress = RemoteEndPoint.Address.ToString();

        // ZooKeeper authenticates every connection by its address (ServerCnxnFactory: "ip" scheme) before anything else.
        AuthInfo = [new Id("ip", RemoteAddress)];
    }

    /// <summary>A number for logs and <c>cons</c>, unique in this process.</summary>
    public long Id { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public string RemoteAddress { get; }

    public ConnectionStatistics Statistics { get; } = new();

    /// <summary>Requests read and not yet processed (<c>queued=</c> in <c>cons</c>).</summary>
    public int QueuedRequests => _limits.MaxQueuedRequests - _credits.CurrentCount;

    public bool IsClosing => Volatile.Read(ref _state) != Open;

    public bool RequestsDropped => _requestsDropped;

    /// <summary>
    /// Whether requests are being read (ZooKeeper's read interest, <c>[1]</c> in <c>stat</c> and <c>cons</c>): not
    /// once the connection is closing, nor while it answers a four letter word.
    /// </summary>
    public bool IsReading => !IsClosing && !Volatile.Read(ref _answeringCommand);

    /// <summary>
    /// Serves the connection until it is closed: reads frames on this task and sends replies on another. Completes
    /// when both are done and the socket is disposed.
    /// </summary>
    public async Task RunAsync()
    {
        NodeTelemetry.Connections.Add(1);
        Log.ConnectionAccepted(_logger, Id, RemoteEndPoint);
        var sender = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _closeReason = "connection lost: " + e.Message;
        }
        catch (Exception e)
        {
            Log.ReaderFailed(_logger, RemoteEndPoint, SessionId, e);
        }
        finally
        {
            _readerDone.TrySetResult();
            await _input.CompleteAsync().ConfigureAwait(false);

            // The processor drops the connection's watches; its session lives on until it expires or is resumed.
            if (_connectPosted)
            {
                _loop.PostConnectionClosed(this);
            }

            BeginClose(null);
        }

        await sender.ConfigureAwait(false);
        _abort.Cancel();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _outbound.Dispose();
        NodeTelemetry.Connections.Add(-1);
        Log.ConnectionClosed(_logger, Id, RemoteEndPoint, SessionId, _closeReason);
    }

    /// <summary>
    /// ZooKeeper's <c>closeConn</c>: stop reading requests, send what is queued, then close. Safe from any thread;
    /// the first reason given is the one logged.
    /// </summary>
    public void Close(string reason)
    {
        _requestsDropped = true;
        if (BeginClose(reason))
        {
            Log.ConnectionClosing(_logger, Id, RemoteEndPoint, SessionId, reason);
        }
    }

    /// <summary>Closes at once, dropping whatever is queued in either direction.</summary>
    public void Abort(string reason)
    {
        _requestsDropped = true;
        if (Interlocked.Exchange(ref _state, Aborted) != Aborted)
        {
            _closeReason = reason;

            // Asynchronously: the request loop calls this, and must not run the reader's and sender's cancellation
            // continuations inline.
            _ = _abort.CancelAsync();
        }
    }

    private bool BeginClose(string? reason)
    {
        if (Interlocked.CompareExchange(ref _state, Closing, Open) != Open)
        {
            return false;
        }

        if (reason is not null)
        {
            _closeReason = reason;
        }

        _wake.Writer.TryWrite(true);
        return true;
    }

    /// <summary>IPv4 clients of a dual-mode socket appear as <c>::ffff:a.b.c.d</c>; ZooKeeper shows and authenticates them as <c>a.b.c.d</c>.</summary>
    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
