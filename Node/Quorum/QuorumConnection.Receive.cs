using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using CoordAspire.Protocol.Jute;
using CoordAspire.Quorum.Wire;
using CoordAspire.Zab;

namespace CoordAspire.Node.Quorum;

// The receive task: packets off the stream, a snapshot body after SNAP, the learner's first packet naming it.
internal sealed partial class QuorumConnection
{
    private SnapshotBodyScanner? _snapshot;
    private long _snapshotZxid;

    private async Task ReceiveLoopAsync()
    {
        var input = PipeReader.Create(_stream!, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        using var identify = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        if (!IsOutbound)
        {
            // LearnerHandler gives a learner initLimit ticks to say who it is.
            identify.CancelAfter(_options.IdentifyTimeout);
        }

        try
        {
            while (true)
            {
                var result = await input.ReadAsync(Peer == Unidentified ? identify.Token : _abort.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                bool goOn;
                try
                {
                    goOn = Consume(ref buffer);
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (!goOn)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    if (!_silent)
                    {
                        Finish(buffer.IsEmpty && _snapshot is null ? "end of stream" : $"end of stream inside a packet ({buffer.Length} bytes unread)", failure: true);
                    }

                    return;
                }
            }
        }
        catch (JuteException e)
        {
            if (Peer == Unidentified)
            {
                Log.NotALearner(_logger, RemoteEndPoint?.ToString(), e.Message);
            }
            else
            {
                Log.MalformedPacket(_logger, Peer, RemoteEndPoint?.ToString(), e.Message);
            }

            Finish("malformed packet: " + e.Message, failure: true);
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            Log.NotALearner(_logger, RemoteEndPoint?.ToString(), $"nothing within {_options.IdentifyTimeout}");
            Finish("no FOLLOWERINFO or OBSERVERINFO in time", failure: true);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Finish("connection lost: " + e.Message, failure: true);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Hands up every whole packet (and snapshot) at the start of <paramref name="buffer"/>, slicing them
    /// off; false when the connection is done.</summary>
    private bool Consume(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_snapshot is { } scanner)
            {
                if (!scanner.TryAdvance(ref buffer))
                {
                    return true;
                }

                _snapshot = null;
                Log.ReceivedSnapshot(_logger, Peer, _snapshotZxid, scanner.Body.Length, scanner.NodeCount);
                Deliver(new Snap(_snapshotZxid, scanner.Body) { From = Peer, To = _channel.MyId });
                continue;
            }

            if (!QuorumPacketFraming.TryMeasure(buffer, _options.MaxBuffer, out int length))
            {
                return true;
            }

            var message = Decode(buffer.Slice(0, length));
            buffer = buffer.Slice(length);
            if (message is Snap snap)
            {
                // LearnerHandler streams the body right after the packet; the core gets both in one Snap.
                Log.ReceivingSnapshot(_logger, Peer, snap.Zxid);
                _snapshot = new SnapshotBodyScanner(_options.MaxBuffer, _options.MaxSnapshot);
                _snapshotZxid = snap.Zxid;
                continue;
            }

            if (Peer == Unidentified && !Identify(message))
            {
                return false;
            }

            Deliver(message);
        }
    }

    private QuorumMessage Decode(in ReadOnlySequence<byte> packet)
    {
        if (packet.IsSingleSegment)
        {
            return QuorumPacketReader.Read(packet.FirstSpan, Incoming, Peer, _channel.MyId);
        }

        int length = (int)packet.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            packet.CopyTo(rented);
            return QuorumPacketReader.Read(rented.AsSpan(0, length), Incoming, Peer, _channel.MyId);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>LearnerHandler.run: the first packet must be FOLLOWERINFO or OBSERVERINFO; its serverid names the peer.</summary>
    private bool Identify(QuorumMessage first)
    {
        if (first is not LearnerInfo info)
        {
            Log.NotALearner(_logger, RemoteEndPoint?.ToString(), $"got {first.Type}");
            Finish($"first packet {first.Type}", failure: true);
            return false;
        }

        Peer = info.From;
        Log.LearnerConnected(_logger, Peer, RemoteEndPoint?.ToString(), info.IsObserver ? "observer" : "follower");
        return _channel.OnIdentified(this);
    }

    private void Deliver(QuorumMessage message)
    {
        lock (_deliverLock)
        {
            if (!_deliveriesStopped)
            {
                _channel.Deliver(message);
            }
        }
    }
}
