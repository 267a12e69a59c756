using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CoordAspire.Node.Commands;
using CoordAspire.Node.Telemetry;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Network;

// The reader: bytes → frames → work items (NIOServerCnxn.doIO, readLength, readPayload, readConnectRequest).
internal sealed partial class ClientConnection
{
    // Reader task only.
    private bool _connectPosted;
    private bool _firstWordChecked;

    // TraceContextExtension: whether this client offered (and so gets) trace-context frames, and the traceparent of
    // the frame just read, for the request that follows it.
    private bool _traceContextAccepted;
    private string? _nextTraceParent;
    private bool _answeringCommand;

    private async Task ReceiveLoopAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellation).ConfigureAwait(false);
            var buffer = result.Buffer;

            if (IsClosing)
            {
                // Closing: the client's last bytes are read and dropped until it closes its side (see CloseLinger).
                NodeTelemetry.BytesReceived.Add(buffer.Length);
                _input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }

                continue;
            }

            // NIOServerCnxn.checkFourLetterWord: only the first four bytes of a connection may be a command.
            if (!_firstWordChecked && buffer.Length >= 4)
            {
                _firstWordChecked = true;
                if (TryReadFourLetterWord(buffer, out var command))
                {
                    NodeTelemetry.BytesReceived.Add(4);
                    _input.AdvanceTo(buffer.GetPosition(4));
                    await AnswerFourLetterWordAsync(command, cancellation).ConfigureAwait(false);
                    continue;
                }
            }

            long before = buffer.Length;
            try
            {
                // Throws JuteException on a length that no frame may have (negative, or above jute.maxbuffer).
                while (!IsClosing && Framing.TryReadFrame(ref buffer, _limits.MaxBuffer, out var payload))
                {
                    if (!_connectPosted)
                    {
                        if (!PostConnect(payload))
                        {
                            return;
                        }
                    }
                    else if (_traceContextAccepted && IsTraceContextFrame(payload))
                    {
                        _nextTraceParent = ReadTraceParent(payload);
                    }
                    else
                    {
                        await PostPacketAsync(payload, cancellation).ConfigureAwait(false);
                    }
                }
            }
            catch (JuteException e)
            {
                Log.MalformedFrame(_logger, RemoteEndPoint, SessionId, e.Message);
                _closeReason = "malformed frame";
                return;
            }
            finally
            {
                NodeTelemetry.BytesReceived.Add(before - buffer.Length);
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty && !IsClosing)
                {
                    Log.TruncatedFrame(_logger, RemoteEndPoint, SessionId, buffer.Length);
                    _closeReason = "end of stream inside a frame";
                }

                return;
            }
        }
    }

    private static bool IsTraceContextFrame(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < 8)
        {
            return false;
        }

        Span<byte> xid = stackalloc byte[4];
        payload.Slice(0, 4).CopyTo(xid);
        return BinaryPrimitives.ReadInt32BigEndian(xid) == TraceContextExtension.Xid;
    }

    private static string ReadTraceParent(in ReadOnlySequence<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[(int)Math.Min(payload.Length, 8 + 4 + TraceContextExtension.MaxTraceParentLength)];
        payload.Slice(0, bytes.Length).CopyTo(bytes);
        return TraceContextExtension.ReadTraceParent(bytes);
    }

    private static long ReadInt64(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> bytes = stackalloc byte[8];
        buffer.Slice(0, 8).CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }

    private static bool TryReadFourLetterWord(in ReadOnlySequence<byte> buffer, out FourLetterCommand command)
    {
        Span<byte> first = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(first);
        return FourLetterCommands.TryParse(first, out command);
    }

    /// <summary>The first frame: a ConnectRequest, with or without the trailing readOnly byte of 3.4+ clients.</summary>
    private bool PostConnect(in ReadOnlySequence<byte> payload)
    {
        ConnectRequest request;
        try
        {
            (request, _traceContextAccepted) = ParseConnect(payload);
        }
        catch (JuteException e)
        {
            Log.MalformedConnect(_logger, RemoteEndPoint, e.Message);
            _closeReason = "malformed connect request";
            return false;
        }

        CountPacket();
        _connectPosted = _loop.PostConnect(this, request, _loop.Clock.Timestamp());
        if (!_connectPosted)
        {
            Abort("server is shutting down");
        }

        return _connectPosted;
    }

    private static (ConnectRequest Request, bool OffersTraceContext) ParseConnect(in ReadOnlySequence<byte> payload)
    {
        int length = (int)payload.Length;
        byte[]? rented = null;
        Span<byte> bytes = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            bytes = bytes[..length];
            payload.CopyTo(bytes);
            var reader = new JuteReader(bytes);
            var request = ConnectRequest.Read(ref reader);
            return (request, request.HasReadOnlyField && TraceContextExtension.ReadOffer(ref reader));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Copies a request frame into a pooled buffer and queues it for the loop. Waits first for a read credit: at
    /// <see cref="ConnectionLimits.MaxQueuedRequests"/> unprocessed requests the connection stops reading, and TCP
    /// flow control pushes back on the client.
    /// </summary>
    private async ValueTask PostPacketAsync(ReadOnlySequence<byte> payload, CancellationToken cancellation)
    {
        await _credits.WaitAsync(cancellation).ConfigureAwait(false);
        int length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        payload.CopyTo(buffer);
        CountPacket();
        string? traceParent = _nextTraceParent;
        _nextTraceParent = null;
        if (!_loop.PostPacket(this, buffer, length, _loop.Clock.Timestamp(), traceParent))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _credits.Release();
            Abort("server is shutting down");
            throw new OperationCanceledException(cancellation);
        }
    }

    private void CountPacket()
    {
        Statistics.PacketReceived();
        NodeTelemetry.PacketsReceived.Add(1);
    }

    /// <summary>
    /// Answers a four letter word and closes (<c>NIOServerCnxn.checkFourLetterWord</c>): the whitelist is checked
    /// first, <c>stmk</c> reads its 8-byte operand, and the text goes out before the FIN.
    /// </summary>
    private async Task AnswerFourLetterWordAsync(FourLetterCommand command, CancellationToken cancellation)
    {
        Volatile.Write(ref _answeringCommand, true);
        Statistics.PacketReceived();
        NodeTelemetry.PacketsReceived.Add(1);
        long argument = 0;
        if (command == FourLetterCommand.Stmk && _fourLetterWords.IsEnabled(command))
        {
            var result = await _input.ReadAtLeastAsync(8, cancellation).ConfigureAwait(false);
            if (result.Buffer.Length < 8)
            {
                _input.AdvanceTo(result.Buffer.End);
                Close("stmk without its 8-byte mask");
                return;
            }

            argument = ReadInt64(result.Buffer);
            _input.AdvanceTo(result.Buffer.GetPosition(8));
        }

        string name = command.Name();
        Log.FourLetterWord(_logger, name, RemoteEndPoint);
        string text;
        try
        {
            text = await _fourLetterWords.ExecuteAsync(command, this, argument).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.FourLetterWordFailed(_logger, name, e);
            text = "";
        }

        if (text.Length > 0)
        {
            _outbound.WriteRaw(Encoding.UTF8.GetBytes(text));
        }

        Close($"four letter word {name} answered");
    }
}
