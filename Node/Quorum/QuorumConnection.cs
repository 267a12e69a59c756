using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Quorum.Wire;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Quorum;

/// <summary>
/// One leader–learner TCP connection of a <see cref="QuorumChannel"/>: either accepted on our quorum port (we lead,
/// the peer is a learner: it reads packets <see cref="PacketDirection.FromLearner"/>) or opened to a leader's quorum
/// port (we learn). A receive task cuts packets off the stream and hands them up (<c>QuorumConnection.Receive.cs</c>);
/// a send task writes what <see cref="Enqueue"/> encoded (<c>QuorumConnection.Send.cs</c>).
/// </summary>
/// <remarks>
/// It ends once (<see cref="Finish"/>): on a read or write error, end of stream, a malformed packet, a refused
/// connect, or when asked (<see cref="CloseAfterFlush"/>, <see cref="Abort"/>). Only an end it was not asked for is
/// a loss the core hears about; deliveries and that report are serialized by one lock, so no message of a
/// connection is delivered after its loss was reported.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the lifetime: Finish disposes the socket and the send loop the buffers.")]
internal sealed partial class QuorumConnection
{
    /// <summary>The peer of an accepted connection before its FOLLOWERINFO/OBSERVERINFO named it.</summary>
    public const long Unidentified = long.MinValue;

    private static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(1);

    private readonly QuorumChannel _channel;
    private readonly QuorumTransportOptions _options;
    private readonly ILogger _logger;
    private readonly HostPort _leaderAddress;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _deliverLock = new();
    private Socket? _socket;
    private NetworkStream? _stream;
    private Task _receiving = Task.CompletedTask;
    private bool _deliveriesStopped;
    private int _finished;
    private volatile bool _silent;

    /// <summary>A connection a learner accepted on our quorum port.</summary>
    public QuorumConnection(QuorumChannel channel, Socket socket, QuorumTransportOptions options, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _logger = logger;
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint;
        IsOutbound = false;
    }

    /// <summary>A connection we open to <paramref name="leader"/>'s quorum port.</summary>
    public QuorumConnection(QuorumChannel channel, long leader, HostPort leaderAddress, QuorumTransportOptions options, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _logger = logger;
        _leaderAddress = leaderAddress;
        Peer = leader;
        IsOutbound = true;
    }

    /// <summary>The peer's server id; <see cref="Unidentified"/> until an accepted learner named itself.</summary>
    public long Peer { get; private set; } = Unidentified;

    /// <summary>True when we opened it (we are the learner).</summary>
    public bool IsOutbound { get; }

    public EndPoint? RemoteEndPoint { get; private set; }

    /// <summary>How the peer writes: a leader if we connected to it, a learner if it connected to us.</summary>
    public PacketDirection Incoming => IsOutbound ? PacketDirection.FromLeader : PacketDirection.FromLearner;

    /// <summary>How we write to it.</summary>
    public PacketDirection Outgoing => IsOutbound ? PacketDirection.FromLearner : PacketDirection.FromLeader;

    /// <summary>Completes when both tasks are done and the socket is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public void Start() => Completion = RunAsync();

    /// <summary>
    /// Ends the connection now, without a loss report (the channel reports a replaced connection itself, and a
    /// disposed channel reports nothing). Queued bytes are dropped.
    /// </summary>
    public void Abort(string reason)
    {
        _silent = true;
        Finish(reason, failure: false);
    }

    private async Task RunAsync()
    {
        // Off the caller's thread: Send and the accept loop must not wait for a connect or a first read.
        await Task.Yield();
        if (IsOutbound && !await ConnectAsync().ConfigureAwait(false))
        {
            return;
        }

        try
        {
            _stream = new NetworkStream(_socket!, ownsSocket: false);
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException or SocketException)
        {
            Finish("connection lost: " + e.Message, failure: true); // ended before it began (disposed, or reset)
            return;
        }

        _receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        await Task.WhenAll(_receiving, sending).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _abort.Dispose();
    }

    /// <summary>Learner.connectToLeader: a few attempts a second apart, then the leader is lost.</summary>
    private async Task<bool> ConnectAsync()
    {
        int attempts = Math.Max(1, _options.LeaderConnectAttempts);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var socket = await PeerSockets.ConnectAsync(_leaderAddress, _options.ConnectTimeout, _channel.Addresses, _abort.Token).ConfigureAwait(false);
                lock (_deliverLock)
                {
                    if (IsFinished)
                    {
                        socket.Dispose();
                        return false;
                    }

                    _socket = socket;
                    RemoteEndPoint = socket.RemoteEndPoint;
                }

                Log.ConnectedToLeader(_logger, Peer, RemoteEndPoint?.ToString());
                return true;
            }
            catch (OperationCanceledException)
            {
                return false; // finished meanwhile
            }
            catch (SocketException e)
            {
                Log.ConnectToLeaderFailed(_logger, Peer, _leaderAddress.ToString(), attempt, attempts, e.Message);
                if (attempt >= attempts)
                {
                    Finish($"cannot connect to {_leaderAddress}: {e.Message}", failure: true);
                    return false;
                }
            }

            try
            {
                await Task.Delay(_options.LeaderConnectRetryDelay, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The one way a connection ends. A <paramref name="failure"/> (not asked for) is reported to the core as a
    /// lost connection, unless a close was asked for meanwhile; <paramref name="postReport"/> when the caller is
    /// inside <see cref="QuorumChannel.Send"/>, which must never call back.
    /// </summary>
    private void Finish(string reason, bool failure, bool postReport = false)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        StopDeliveries();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        lock (_deliverLock)
        {
            _socket?.Dispose();
        }

        _wake.Writer.TryComplete();
        _channel.OnFinished(this, reason, report: failure && !_silent, postReport);
    }

    /// <summary>From now on nothing more is handed up.</summary>
    private void StopDeliveries()
    {
        lock (_deliverLock)
        {
            _deliveriesStopped = true;
        }
    }
}
