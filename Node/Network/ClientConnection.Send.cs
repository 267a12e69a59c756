using System.Net.Sockets;
using CoordAspire.Node.Telemetry;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Network;

// The processor's side (IClientChannel, called on the request loop) and the sender task that drains the outbound buffer.
internal sealed partial class ClientConnection
{
    // Request loop only.
    private bool _flushScheduled;
    /// <summary>
    /// Requests processed but not yet answered, oldest first: a write is answered only once its transaction is
    /// durable, after the packet was processed, so a reply is matched to its request by xid (replies leave in order).
    /// </summary>
    private readonly Queue<(int Xid, OpCode Op, long ReceivedAt)> _awaitingReply = new();

    public long SessionId { get; set; }

    public int SessionTimeout { get; set; }

    public List<Id> AuthInfo { get; }

    public bool SentReadOnlyFlag { get; set; }

    public void SendConnectResponse(in ConnectResponse response)
    {
        if (response.SessionId != 0)
        {
            Statistics.EstablishedWallMs = _loop.Clock.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        }

        // The trace-context extension is accepted only for a session that starts here, and only if offered.
        Sent(_traceContextAccepted && response.SessionId != 0
            ? _outbound.WriteFrame(new TraceContextExtension.AcceptingConnectResponse(response))
            : _outbound.WriteFrame(response));
    }

    public void SendReply<T>(in ReplyHeader header, in T body) where T : struct, IJuteRecord<T>
    {
        NoteReply(header);
        Sent(_outbound.WriteFrame(header, body));
    }

    public void SendReply(in ReplyHeader header)
    {
        NoteReply(header);
        Sent(_outbound.WriteFrame(header));
    }

    /// <summary>A watch fired: the notification frame is a reply header with xid -1 and the event (<c>NIOServerCnxn.process</c>).</summary>
    public void Process(in WatcherEvent watchedEvent, long zxid)
    {
        Sent(_outbound.WriteFrame(new ReplyHeader(Xid.Notification, zxid, ErrorCode.Ok), watchedEvent));
    }

    void Processing.ILoopConnection.OnPacketStarting(int xid, int opCode, long receivedAt)
    {
        // Before the processor runs: a read is answered while it is processed, and its reply must find it here.
        _awaitingReply.Enqueue((xid, (OpCode)opCode, receivedAt));
    }

    void Processing.ILoopConnection.OnPacketProcessed() => _credits.Release();

    void Processing.ILoopConnection.Flush()
    {
        _flushScheduled = false;
        _wake.Writer.TryWrite(true);
    }

    public string? TraceParent { get; set; }

    /// <summary>Requests processed and not yet answered (on the loop only): a write waiting for its commit, a read behind it.</summary>
    public int AwaitingReplies => _awaitingReply.Count;

    /// <summary>Server spans of traced requests waiting for their replies, by xid (on the loop only).</summary>
    private Dictionary<int, System.Diagnostics.Activity>? _requestSpans;

    void Processing.ILoopConnection.TrackRequestSpan(int xid, System.Diagnostics.Activity? span)
    {
        if (span is not null)
        {
            (_requestSpans ??= [])[xid] = span;
        }
    }

    private void NoteReply(in ReplyHeader header)
    {
        if (header.Xid == Xid.Notification)
        {
            return;
        }

        if (_requestSpans is { Count: > 0 } spans && spans.Remove(header.Xid, out var span))
        {
            if (header.Err != ErrorCode.Ok)
            {
                span.SetTag("zookeeper.error", header.Err.ToString());
            }

            span.SetTag("zookeeper.zxid", "0x" + header.Zxid.ToString("x"));
            span.Stop();
        }

        // Requests dropped without a reply (a closing session's) are skipped over.
        while (_awaitingReply.TryDequeue(out var request))
        {
            if (request.Xid == header.Xid)
            {
                long now = _loop.Clock.ElapsedMs(_loop.Clock.Timestamp());
                long latency = Math.Max(0, now - _loop.Clock.ElapsedMs(request.ReceivedAt));
                string operation = ConnectionStatistics.OperationName(request.Op);
                Statistics.Response(request.Xid, header.Zxid, operation, latency, now);
                _loop.RecordLatency(latency);
                NodeTelemetry.RecordRequest(_loop.Clock.TimeProvider.GetElapsedTime(request.ReceivedAt).TotalMilliseconds, operation);
                return;
            }
        }
    }

    /// <summary>After a frame was appended, given the backlog it made (0: dropped, the connection is gone).</summary>
    private void Sent(long backlog)
    {
        if (backlog == 0)
        {
            return;
        }

        Statistics.PacketSent();
        NodeTelemetry.PacketsSent.Add(1);
        if (backlog > _limits.MaxOutboundBacklog)
        {
            Log.BacklogExceeded(_logger, RemoteEndPoint, SessionId, backlog);
            Abort("client does not read its replies");
            return;
        }

        if (!_flushScheduled)
        {
            _flushScheduled = true;
            _loop.ScheduleFlush(this);
        }
    }

    /// <summary>
    /// Writes whatever the loop has framed each time it is woken. After a close it sends what was queued before,
    /// then a FIN, and gives the reader <see cref="ConnectionLimits.CloseLinger"/> to see the client's end of stream.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var cancellation = _abort.Token;
        try
        {
            while (true)
            {
                await DrainAsync(cancellation).ConfigureAwait(false);
                if (IsClosing)
                {
                    // The close came after the last frame queued before it; drain once more to be sure it is out.
                    await DrainAsync(cancellation).ConfigureAwait(false);
                    break;
                }

                await _wake.Reader.ReadAsync(cancellation).ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Send);
            await _readerDone.Task.WaitAsync(_limits.CloseLinger, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (TimeoutException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _closeReason = "connection lost: " + e.Message;
        }
        finally
        {
            // Whatever ended the sender ends the reader too, if it still waits.
            _abort.Cancel();
        }
    }

    private async ValueTask DrainAsync(CancellationToken cancellation)
    {
        while (_outbound.TryTake(out var bytes))
        {
            await _stream.WriteAsync(bytes, cancellation).ConfigureAwait(false);
            NodeTelemetry.BytesSent.Add(bytes.Length);
        }
    }
}
