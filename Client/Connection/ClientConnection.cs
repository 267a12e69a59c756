using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

/// <summary>
/// One TCP connection of a session (the connection half of Java's <c>ClientCnxn</c>): the handshake
/// (connect request, then credentials and watches re-sent), then three loops until the connection fails — the
/// reader matches replies with the pending queue and hands notifications to the watch manager, the writer numbers
/// and batches requests from the client's outgoing queue, the pinger keeps the session alive and notices a silent
/// server. Requests in flight when it fails are failed with ConnectionLoss; the client decides what comes next.
/// </summary>
internal sealed partial class ClientConnection : IAsyncDisposable
{
    /// <summary>setWatches batches stay around this many path characters (<c>ClientCnxn.SET_WATCHES_MAX_LENGTH</c>).</summary>
    private const int SetWatchesMaxLength = 128 * 1024;

    private readonly ZooKeeperClient _client;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;

    /// <summary>Numbered requests sent and not yet answered, in send order: ZooKeeper answers in order.</summary>
    private readonly ConcurrentQueue<Request> _pending = new();

    /// <summary>Auth packets sent and not yet answered; null for the ones the handshake re-sent.</summary>
    private readonly ConcurrentQueue<Request?> _pendingAuth = new();

    private bool _traceContextAccepted;
    private long _lastSend;
    private long _lastReceive;
    private int _aborted;

    private ClientConnection(ZooKeeperClient client, Socket socket, DnsEndPoint server)
    {
        _client = client;
        _socket = socket;
        Server = server;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        _lastSend = _lastReceive = Environment.TickCount64;
    }

    public DnsEndPoint Server { get; }

    /// <summary>Whether the server said, in its ConnectResponse, that it serves read-only.</summary>
    public bool IsReadOnly { get; private set; }

    public string ServerName => $"{Server.Host}:{Server.Port}";

    /// <summary>Establishes (or resumes) the session over <paramref name="socket"/>, connected to
    /// <paramref name="server"/> (which it then owns). Throws <see cref="SessionExpiredException"/> when the server
    /// says the session is gone.</summary>
    public static async Task<ClientConnection> OpenAsync(
        ZooKeeperClient client, Socket socket, DnsEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ClientConnection? connection = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            connection = new ClientConnection(client, socket, server);
            await connection.HandshakeAsync(deadline.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    /// <summary>Runs the connection until it fails or <paramref name="cancellationToken"/> fires; returns why it ended.
    /// Every request still pending has been failed with ConnectionLoss when this returns.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadLoopAsync();
        var writing = WriteLoopAsync(lifetime.Token);
        var pinging = PingLoopAsync(lifetime.Token);
        var first = await Task.WhenAny(reading, writing, pinging).ConfigureAwait(false);
        string reason = first.Exception?.GetBaseException().Message ?? (first == reading ? "the server closed the connection" : "stopped");
        if (Volatile.Read(ref _aborted) != 0)
        {
            reason = "the connection was dropped";
        }

        await lifetime.CancelAsync().ConfigureAwait(false);
        Abort();
        _client.WakeWriter();
        try
        {
            await Task.WhenAll(reading, writing, pinging).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each loop ends by an exception once the socket is gone; the first one is the reason.
        }

        // Disconnected first: whoever catches the ConnectionLoss below finds the client already reconnecting.
        _client.OnConnectionLost();
        FailPending(ErrorCode.ConnectionLoss);
        return reason;
    }

    /// <summary>Drops the TCP connection at once (also the test hook for a network failure).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await _input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // buffered bytes could not be flushed to a closed socket: nobody waits for them
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        FailPending(ErrorCode.ConnectionLoss);
    }

    private void FailPending(ErrorCode code)
    {
        while (_pending.TryDequeue(out var request))
        {
            request.OnConnectionLost(code);
        }

        while (_pendingAuth.TryDequeue(out var auth))
        {
            auth?.OnConnectionLost(code);
        }
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var frame = new PooledBufferWriter();
        try
        {
            await HandshakeAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            frame.Release();
        }
    }

    private async Task HandshakeAsync(PooledBufferWriter frame, CancellationToken cancellationToken)
    {
        var session = _client.CurrentSession;
        int start = frame.ReserveInt32();

        // ClientCnxn.primeConnection: a session that never reached a read-write server is a read-only server's
        // local session, which no other server knows; the client asks for a new one instead (seenRwServerBefore).
        long sessionId = session.SeenReadWriteServer ? session.SessionId : 0;
        new ConnectRequest(0, session.LastZxid, _client.RequestedTimeoutMs, sessionId, session.Password, _client.Options.CanBeReadOnly, true)
            .Write(new JuteWriter(frame));
        if (_client.Options.PropagateTraceContext)
        {
            TraceContextExtension.WriteOffer(new JuteWriter(frame));
        }

        frame.PatchInt32(start, frame.WrittenCount - 4);
        _output.Write(frame.WrittenSpan);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var (response, traceContextAccepted) = await ReadConnectResponseAsync(cancellationToken).ConfigureAwait(false);
        _traceContextAccepted = traceContextAccepted;
        if (response.TimeOut <= 0)
        {
            // ZooKeeperServer.reopenSession: a session that is gone is answered with timeout 0 and session id 0.
            throw new SessionExpiredException(message: $"session 0x{session.SessionId:x} has expired");
        }

        IsReadOnly = response.ReadOnly;
        if (IsReadOnly && !_client.Options.CanBeReadOnly)
        {
            // ClientCnxn logs it and carries on; a server should never do this (it refuses such clients).
            Log.UnexpectedReadOnlySession(_client.Logger, ServerName);
        }

        _client.OnSessionEstablished(response.SessionId, response.Passwd, response.TimeOut, response.ReadOnly);

        // ClientCnxn.primeConnection: credentials first, then the watches, then whatever the caller queued.
        frame.Clear();
        foreach (var (scheme, auth) in _client.AuthInfoSnapshot())
        {
            start = BeginFrame(frame, Protocol.Xid.Auth, OpCode.Auth);
            new AuthPacket(0, scheme, auth).Write(new JuteWriter(frame));
            frame.PatchInt32(start, frame.WrittenCount - start - 4);
            _pendingAuth.Enqueue(null);
        }

        WriteSetWatches(frame, session.LastZxid);
        if (frame.WrittenCount > 0)
        {
            _output.Write(frame.WrittenSpan);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        _lastSend = _lastReceive = Environment.TickCount64;
    }

    private async Task<(ConnectResponse Response, bool TraceContextAccepted)> ReadConnectResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (Framing.TryReadFrame(ref buffer, _client.MaxFrameLength, out var payload))
            {
                var bytes = payload.ToArray();
                _input.AdvanceTo(buffer.Start);
                var reader = new JuteReader(bytes);
                var response = ConnectResponse.Read(ref reader);
                return (response, response.HasReadOnlyField && TraceContextExtension.ReadOffer(ref reader));
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed the connection during the handshake");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>setWatches2 (xid -8) frames for every watch the client holds, relative to the last zxid seen: the
    /// server re-adds them and fires at once those whose znode changed since (<c>DataTree.setWatches</c>).</summary>
    private void WriteSetWatches(PooledBufferWriter frame, long relativeZxid)
    {
        var (data, exist, child, persistent, recursive) = _client.Watches.Snapshot();
        int total = data.Count + exist.Count + child.Count + persistent.Count + recursive.Count;
        if (total == 0)
        {
            return;
        }

        Log.SettingWatches(_client.Logger, total, _client.SessionId, relativeZxid);
        var lists = new[] { data, exist, child, persistent, recursive };
        var indexes = new int[lists.Length];
        while (true)
        {
            var batch = new List<string>[lists.Length];
            int length = 0;
            for (int i = 0; i < lists.Length; i++)
            {
                batch[i] = [];
                while (indexes[i] < lists[i].Count && length < SetWatchesMaxLength)
                {
                    string path = _client.ToServerPath(lists[i][indexes[i]++]);
                    batch[i].Add(path);
                    length += path.Length;
                }
            }

            if (length == 0)
            {
                return;
            }

            int start = BeginFrame(frame, Protocol.Xid.SetWatches, OpCode.SetWatches2);
            new SetWatchesRequest(relativeZxid, batch[0], batch[1], batch[2], batch[3], batch[4]).Write(new JuteWriter(frame), version2: true);
            frame.PatchInt32(start, frame.WrittenCount - start - 4);
        }
    }

    private static int BeginFrame(PooledBufferWriter frame, int xid, OpCode opCode)
    {
        int start = frame.ReserveInt32();
        var writer = new JuteWriter(frame);
        writer.WriteInt(xid);
        writer.WriteInt((int)opCode);
        return start;
    }
}
