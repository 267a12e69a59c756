using System.Buffers;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

internal sealed partial class ClientConnection
{
    /// <summary>Reads frames until the connection ends (<c>ClientCnxn.SendThread.readResponse</c>). Reads take no
    /// token: closing the socket ends them, and a cancellable read would cost a registration each time.</summary>
    private async Task ReadLoopAsync()
    {
        int maxFrameLength = _client.MaxFrameLength;
        while (true)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastReceive, Environment.TickCount64);
            }

            try
            {
                while (Framing.TryReadFrame(ref buffer, maxFrameLength, out var frame))
                {
                    if (frame.IsSingleSegment)
                    {
                        ProcessFrame(frame.FirstSpan);
                    }
                    else
                    {
                        ProcessSplitFrame(frame);
                    }
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException(buffer.IsEmpty ? "the server closed the connection" : "the server closed the connection inside a frame");
            }
        }
    }

    private void ProcessSplitFrame(in ReadOnlySequence<byte> frame)
    {
        int length = (int)frame.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            frame.CopyTo(rented);
            ProcessFrame(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ProcessFrame(ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        var header = ReplyHeader.Read(ref reader);
        switch (header.Xid)
        {
            case Protocol.Xid.Ping:
                return;
            case Protocol.Xid.Notification:
                OnNotification(header, ref reader);
                return;
            case Protocol.Xid.Auth:
                OnAuthReply(header, ref reader);
                return;
            case Protocol.Xid.SetWatches:
                if (header.Err != ErrorCode.Ok)
                {
                    Log.SetWatchesFailed(_client.Logger, _client.SessionId, header.Err.ToString());
                }

                return;
        }

        if (!_pending.TryDequeue(out var request))
        {
            throw new IOException($"nothing pending, but got a reply with xid {header.Xid}");
        }

        if (request.Xid != header.Xid)
        {
            // ZooKeeper answers in order; anything else means the stream can no longer be trusted.
            Log.ReplyOutOfOrder(_client.Logger, _client.SessionId, header.Xid, request.Xid);
            request.OnConnectionLost(ErrorCode.ConnectionLoss);
            throw new IOException($"xid out of order: got {header.Xid} ({header.Err}), expected {request.Xid}");
        }

        if (_client.TestHooks.TakeCreateReplyLoss(request.OpCode))
        {
            request.OnConnectionLost(ErrorCode.ConnectionLoss);
            throw new IOException("test hook: the reply to a create was lost");
        }

        if (header.Zxid > 0)
        {
            _client.LastZxidSeen = header.Zxid;
        }

        request.OnReply(header, ref reader);
    }

    private void OnNotification(in ReplyHeader header, ref JuteReader reader)
    {
        var notification = WatcherEvent.Read(ref reader);
        string path = _client.ToClientPath(notification.Path);
        var watchers = _client.Watches.Materialize(notification.Type, path);
        if (watchers is not null)
        {
            _client.Dispatcher.Dispatch(new WatchedEvent(notification.Type, notification.State, path) { Zxid = header.Zxid }, watchers);
        }
    }

    /// <summary>A refused credential ends the session for good: the server closes the connection, and Java's client
    /// enters AUTH_FAILED, a state it never leaves.</summary>
    private void OnAuthReply(in ReplyHeader header, ref JuteReader reader)
    {
        _pendingAuth.TryDequeue(out var request);
        request?.OnReply(header, ref reader);
        if (header.Err == ErrorCode.AuthFailed)
        {
            _client.OnAuthFailed();
            throw new AuthFailedException(message: "the server refused the session's credentials");
        }
    }
}
