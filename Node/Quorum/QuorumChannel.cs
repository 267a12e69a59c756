using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Quorum.Wire;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Quorum;

/// <summary>
/// The quorum port, both ways: the leader's learner port (ZooKeeper's <c>Leader.LearnerCnxAcceptor</c> and one
/// <c>LearnerHandler</c> socket per learner) and a learner's connection to its leader (<c>Learner.connectToLeader</c>).
/// It moves Zab <see cref="QuorumMessage"/>s as ZooKeeper 3.8's QuorumPackets (<see cref="QuorumPacketWriter"/>) and
/// does nothing of the protocol itself: that is the core's.
/// </summary>
/// <remarks>
/// <para>The core's rules for <see cref="Send"/> (Zab/Messages.cs): <see cref="CloseConnection"/> closes our
/// connection with <c>To</c> after what was queued before it; a <see cref="LearnerInfo"/> opens a fresh connection to
/// <c>To</c>'s quorum port (dropping any earlier one with it, silently: the core is starting over) and goes first on
/// it; anything else goes on the connection we have with <c>To</c>, accepted or opened, and with none it is dropped
/// and the loss reported. Send encodes on the caller's thread and never blocks on the network.</para>
/// <para>Callbacks run on I/O threads (the host posts them into its loop); per connection, messages arrive in order
/// with <c>From</c> the peer and <c>To</c> us. A connection that ends without being asked to (error, end of stream,
/// a malformed packet, which is logged with the peer's id and ends only that connection) is reported lost exactly
/// once, after its last message; a learner that connects again replaces its old connection, whose loss is reported
/// before the new one's first message. Closing a connection as asked reports nothing.</para>
/// </remarks>
internal sealed class QuorumChannel : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<long, QuorumServer> _servers;
    private readonly bool _listenOnAllIPs;
    private readonly Action<QuorumMessage> _onMessage;
    private readonly Action<long> _onConnectionLost;
    private readonly ILogger _logger;
    private readonly QuorumTransportOptions _options;
    private readonly byte[] _quorumVerifier;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, QuorumConnection> _connections = [];
    private readonly HashSet<QuorumConnection> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private bool _disposed;

    /// <param name="servers">The ensemble (zoo.cfg's server.N lines); <paramref name="myId"/> must be one of them.</param>
    /// <param name="listenOnAllIPs"><c>quorumListenOnAllIPs</c>: bind the wildcard rather than our configured host.</param>
    /// <param name="configVersion">The configuration's version, for the QuorumVerifier text NEWLEADER carries.</param>
    public QuorumChannel(
        long myId,
        IReadOnlyDictionary<long, QuorumServer> servers,
        bool listenOnAllIPs,
        Action<QuorumMessage> onMessage,
        Action<long> onConnectionLost,
        ILogger logger,
        QuorumTransportOptions? options = null,
        long configVersion = 0,
        PeerAddresses? addresses = null)
    {
        if (!servers.ContainsKey(myId))
        {
            throw new ArgumentException($"Server {myId} is not in the configuration.", nameof(myId));
        }

        MyId = myId;
        _servers = servers;
        _listenOnAllIPs = listenOnAllIPs;
        _onMessage = onMessage;
        _onConnectionLost = onConnectionLost;
        _logger = logger;
        _options = options ?? new QuorumTransportOptions();
        Addresses = addresses ?? new PeerAddresses();
        _quorumVerifier = QuorumVerifierText.FormatUtf8(servers, configVersion);
    }

    public long MyId { get; }

    /// <summary>How the leader's name is looked up (shared with the election port, which learns the peers' addresses).</summary>
    internal PeerAddresses Addresses { get; }

    /// <summary>Where we listen for learners (the real port once started).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Binds our quorum port now (a port in use throws <see cref="SocketException"/>), then accepts learners
    /// in the background.</summary>
    public void Start()
    {
        var self = _servers[MyId];
        var listener = PeerSockets.Listen(PeerSockets.BindEndPoint(self.Hostname, self.QuorumPort, _listenOnAllIPs));
        _listener = listener;
        Log.ListeningForLearners(_logger, LocalEndPoint, MyId);
        _accepting = AcceptLoopAsync(listener, _stop.Token);
    }

    /// <summary>Sends <paramref name="message"/> to <c>message.To</c> by the rules above. Thread-safe, non-blocking.</summary>
    public void Send(QuorumMessage message)
    {
        long to = message.To;
        switch (message)
        {
            case CloseConnection:
                Take(to)?.CloseAfterFlush();
                return;
            case LearnerInfo:
                Connect(message);
                return;
        }

        QuorumConnection? connection;
        lock (_gate)
        {
            _connections.TryGetValue(to, out connection);
        }

        if (connection is null)
        {
            Log.NoQuorumConnection(_logger, to, message.Type?.ToString() ?? message.GetType().Name);
            Post(to);
            return;
        }

        connection.Enqueue(message, _quorumVerifier);
    }

    public async ValueTask DisposeAsync()
    {
        List<QuorumConnection> all;
        lock (_gate)
        {
            _disposed = true;
            all = [.. _all];
            _connections.Clear();
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var connection in all)
        {
            connection.Abort("shutting down");
        }

        await Task.WhenAll(all.Select(c => c.Completion)).ConfigureAwait(false);
        _stop.Dispose();
    }

    // ---- called by connections --------------------------------------------------------------------------------

    internal void Deliver(QuorumMessage message) => _onMessage(message);

    /// <summary>An accepted learner named itself: it becomes the connection with that server, replacing (and
    /// reporting lost, before anything of the new one is delivered) whatever connection we had with it.</summary>
    internal bool OnIdentified(QuorumConnection connection)
    {
        QuorumConnection? old;
        lock (_gate)
        {
            if (_disposed || connection.IsFinished)
            {
                return false;
            }

            _connections.TryGetValue(connection.Peer, out old);
            _connections[connection.Peer] = connection;
        }

        if (old is not null)
        {
            Log.LearnerReplaced(_logger, connection.Peer, connection.RemoteEndPoint?.ToString());
            old.Abort("replaced by a new connection from the same server");
            _onConnectionLost(connection.Peer);
        }

        return true;
    }

    /// <summary>A connection ended: forget it, and report the loss if it was not asked for.</summary>
    internal void OnFinished(QuorumConnection connection, string reason, bool report, bool postReport)
    {
        bool current;
        lock (_gate)
        {
            current = connection.Peer != QuorumConnection.Unidentified
                && _connections.TryGetValue(connection.Peer, out var registered) && registered == connection;
            if (current)
            {
                _connections.Remove(connection.Peer);
            }

            _all.Remove(connection);
            report &= !_disposed && connection.Peer != QuorumConnection.Unidentified;
        }

        if (connection.Peer != QuorumConnection.Unidentified)
        {
            Log.QuorumConnectionClosed(_logger, connection.Peer, reason);
        }

        if (!report)
        {
            return;
        }

        if (postReport)
        {
            Post(connection.Peer);
        }
        else
        {
            _onConnectionLost(connection.Peer);
        }
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /// <summary>Learner.connectToLeader + registerWithLeader: a fresh connection whose first packet is this.</summary>
    private void Connect(QuorumMessage learnerInfo)
    {
        long to = learnerInfo.To;
        if (!_servers.TryGetValue(to, out var leader))
        {
            Log.NoQuorumConnection(_logger, to, "FOLLOWERINFO (not in the configuration)");
            Post(to);
            return;
        }

        var connection = new QuorumConnection(this, to, leader.QuorumAddress, _options, _logger);
        connection.Enqueue(learnerInfo, _quorumVerifier);
        QuorumConnection? old;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _connections.TryGetValue(to, out old);
            _connections[to] = connection;
            _all.Add(connection);
        }

        old?.Abort("a new connection to the leader replaces it");
        connection.Start();
    }

    private QuorumConnection? Take(long peer)
    {
        lock (_gate)
        {
            return _connections.Remove(peer, out var connection) ? connection : null;
        }
    }

    /// <summary>A loss reported from inside Send: on the pool, never re-entrantly.</summary>
    private void Post(long peer)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Lost(state.Peer), (Lost: _onConnectionLost, Peer: peer), preferLocal: false);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, e.SocketErrorCode, e);
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            try
            {
                socket.NoDelay = true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                socket.Dispose();
                continue;
            }

            var connection = new QuorumConnection(this, socket, _options, _logger);
            lock (_gate)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    break;
                }

                _all.Add(connection);
            }

            connection.Start();
        }
    }
}
