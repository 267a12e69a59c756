using System.Buffers;
using System.IO.Pipelines;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Client;

internal sealed partial class ClientConnection
{
    /// <summary>Bytes buffered before the writer flushes even though more requests are queued.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Takes requests from the client's outgoing queue, numbers them, puts them on the pending queue and writes them,
    /// flushing when the queue runs dry or a batch is large: many requests in flight, few system calls.
    /// </summary>
    /// <remarks>
    /// Allocation-free in the steady state: no token is passed to the waits (a cancellable one costs a registration
    /// and a fresh waiter each time); the connection's end wakes the writer with <see cref="PingRequest.Wake"/> and
    /// fails its flushes by closing the socket.
    /// </remarks>
    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var outgoing = _client.Outgoing;
        while (!cancellationToken.IsCancellationRequested)
        {
            while (outgoing.TryRead(out var request))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Not ours to send any more: the next connection does, or the client fails it.
                    _client.FailUnsent(request);
                    return;
                }

                Write(request);
                if (_output.UnflushedBytes >= FlushThreshold)
                {
                    OnFlushed(await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false));
                }
            }

            if (_output.UnflushedBytes > 0)
            {
                // Awaited here, not in a helper: a helper's async state machine would be boxed on every flush.
                OnFlushed(await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false));
            }

            if (!await outgoing.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private void Write(Request request)
    {
        if (request.Kind == RequestKind.Ping)
        {
            if (ReferenceEquals(request, PingRequest.Instance))
            {
                _output.Write(request.Frame.WrittenSpan);
            }

            return;
        }

        if (request.IsCompleted)
        {
            // Cancelled while queued: never sent.
            request.ReleasePipeline();
            return;
        }

        var frame = request.Frame;
        if (request.Kind == RequestKind.Auth)
        {
            request.Xid = Protocol.Xid.Auth;
            _pendingAuth.Enqueue(request);
        }
        else
        {
            request.Xid = _client.NextXid();
            _pending.Enqueue(request);
        }

        if (_traceContextAccepted && request.Activity is { } activity)
        {
            WriteTraceContext(activity.Id!);
        }

        // Nothing reaches the server before the next flush, so the reply cannot race this.
        frame.PatchInt32(0, frame.WrittenCount - 4);
        frame.PatchInt32(4, request.Xid);
        _output.Write(frame.WrittenSpan);
        request.Activity?.SetTag("zookeeper.xid", request.Xid);
    }

    /// <summary>The trace-context frame (TraceContextExtension) that makes this request's span the parent of the server's.</summary>
    private void WriteTraceContext(string traceParent)
    {
        if (traceParent.Length > TraceContextExtension.MaxTraceParentLength)
        {
            return;
        }

        var writer = new JuteWriter(_output);
        writer.WriteInt(8 + 4 + traceParent.Length);
        TraceContextExtension.WriteTraceFrame(writer, traceParent);
    }

    private void OnFlushed(FlushResult result)
    {
        Volatile.Write(ref _lastSend, Environment.TickCount64);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("the connection can no longer be written to");
        }
    }

    /// <summary>
    /// Keeps the session alive and the connection honest (<c>ClientCnxn.SendThread.run</c>): a ping when nothing was
    /// sent for a third of the session timeout, and the connection given up when nothing was heard for two thirds
    /// of it, leaving a third for reaching another server before the session expires.
    /// </summary>
    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        long timeout = _client.NegotiatedTimeoutMs;
        long readTimeout = timeout * 2 / 3;
        long pingInterval = readTimeout / 2;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(pingInterval / 4, 10, 1000)));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_client.TestHooks.SuppressPings)
            {
                continue;
            }

            long now = Environment.TickCount64;
            long silent = now - Volatile.Read(ref _lastReceive);
            if (silent > readTimeout)
            {
                throw new TimeoutException($"Client session timed out, have not heard from server in {silent}ms");
            }

            if (now - Volatile.Read(ref _lastSend) >= pingInterval)
            {
                Volatile.Write(ref _lastSend, now);
                _client.EnqueuePing();
            }
        }
    }
}
