using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CoordAspire.Configuration;
using CoordAspire.Quorum.Wire;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Quorum;

/// <summary>
/// The election port (ZooKeeper's QuorumCnxManager): one TCP connection per pair of servers carrying
/// FastLeaderElection notifications both ways, with 3.8's handshake and rules, so that a ZooKeeper server and ours
/// elect together.
/// </summary>
/// <remarks>
/// <para><b>Who keeps the connection.</b> The side that opens a connection first sends its handshake
/// (<see cref="ElectionHandshake"/>). Only a connection opened by the larger id survives: an opener with the smaller
/// id closes it right after its handshake, and a server that accepts one from a smaller id closes it and connects
/// back (startConnection / handleConnection); a server that accepts one from a larger id keeps it, replacing any
/// older connection with that peer.</para>
/// <para><b>Sending.</b> Each peer has a slot for one notification (SEND_CAPACITY = 1): a newer one replaces an
/// unsent older one, because a server's newest vote is all the election needs. The first <see cref="Send"/> to a peer
/// without a connection starts connecting in the background, and attempts continue with a growing pause while a
/// notification waits and no connection is up (ZooKeeper retries when the election calls again; the election
/// tolerates loss, repetition and delay). A new connection with an empty slot sends the last notification again
/// (SendWorker.run).</para>
/// <para>Callbacks run on I/O threads; the host posts them into its loop. Notifications arrive with <c>From</c> the
/// peer and <c>To</c> us.</para>
/// </remarks>
internal sealed class ElectionChannel : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<long, QuorumServer> _servers;
    private readonly bool _listenOnAllIPs;
    private readonly Action<Notification> _onNotification;
    private readonly ILogger _logger;
    private readonly QuorumTransportOptions _options;
    private readonly PeerAddresses _addresses;
    private readonly byte[] _config;
    private readonly byte[] _handshake;
    private readonly ConcurrentDictionary<long, Peer> _peers = new();
    private readonly ConcurrentDictionary<Task, bool> _tasks = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private volatile bool _disposed;

    /// <param name="servers">The ensemble (zoo.cfg's server.N lines); <paramref name="myId"/> must be one of them.</param>
    /// <param name="listenOnAllIPs"><c>quorumListenOnAllIPs</c>: bind the wildcard rather than our configured host.</param>
    /// <param name="configVersion">The configuration's version, for the QuorumVerifier text in our notifications.</param>
    public ElectionChannel(
        long myId,
        IReadOnlyDictionary<long, QuorumServer> servers,
        bool listenOnAllIPs,
        Action<Notification> onNotification,
        ILogger logger,
        QuorumTransportOptions? options = null,
        long configVersion = 0,
        PeerAddresses? addresses = null)
    {
        if (!servers.TryGetValue(myId, out var self))
        {
            throw new ArgumentException($"Server {myId} is not in the configuration.", nameof(myId));
        }

        MyId = myId;
        _servers = servers;
        _listenOnAllIPs = listenOnAllIPs;
        _onNotification = onNotification;
        _logger = logger;
        _options = options ?? new QuorumTransportOptions();
        _addresses = addresses ?? new PeerAddresses();
        _config = QuorumVerifierText.FormatUtf8(servers, configVersion);
        _handshake = ElectionHandshake.Write(myId, self.ElectionAddress);
    }

    public long MyId { get; }

    /// <summary>Where we listen for election connections (the real port once started).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Binds our election port now (a port in use throws <see cref="SocketException"/>), then accepts in the
    /// background.</summary>
    public void Start()
    {
        var self = _servers[MyId];
        var listener = PeerSockets.Listen(PeerSockets.BindEndPoint(self.Hostname, self.ElectionPort, _listenOnAllIPs));
        _listener = listener;
        Log.ListeningForElection(_logger, LocalEndPoint, MyId);
        _accepting = AcceptLoopAsync(listener, _stop.Token);
    }

    /// <summary>Queues <paramref name="notification"/> for <c>notification.To</c> (replacing one not yet sent) and
    /// makes sure a connection is on its way. Thread-safe, non-blocking; never calls back.</summary>
    public void Send(Notification notification)
    {
        if (_disposed)
        {
            return;
        }

        if (notification.To == MyId)
        {
            // QuorumCnxManager.toSend to ourselves goes straight to the receive queue.
            var self = notification with { From = MyId, To = MyId };
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Deliver(state.Self), (Deliver: _onNotification, Self: self), preferLocal: false);
            return;
        }

        var frame = new byte[4 + NotificationCodec.Size(_config)];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        NotificationCodec.Write(notification, _config, frame.AsSpan(4));

        var peer = PeerOf(notification.To);
        ElectionConnection? connection;
        lock (peer.Gate)
        {
            peer.Pending = frame;
            connection = peer.Connection;
        }

        if (connection is not null)
        {
            connection.Wake();
        }
        else
        {
            EnsureConnecting(peer, connectBack: false);
        }
    }

    /// <summary>
    /// Our election ended: the LOOKING votes waiting for a peer, or kept to be sent again on its next connection
    /// (SendWorker.run's lastMessageSent), are dropped. Sent later, they tell a member that starts looking that we
    /// are still looking and back a leader we no longer back: with its own vote that is a quorum, it follows a server
    /// that does not lead and tries to register with it until it gives up, seconds in which it could have rejoined.
    /// Nothing is lost: a looking member that writes to us gets our current vote in reply (FOLLOWING or LEADING).
    /// </summary>
    public void ForgetLookingVotes()
    {
        foreach (var peer in _peers.Values)
        {
            lock (peer.Gate)
            {
                if (IsLookingVote(peer.Pending))
                {
                    peer.Pending = null;
                }

                if (IsLookingVote(peer.LastSent))
                {
                    peer.LastSent = null;
                }
            }
        }
    }

    private static bool IsLookingVote(byte[]? frame) =>
        frame is { Length: >= 8 } && BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)) == (int)ServerState.Looking;

    /// <summary>Whether the connection with <paramref name="sid"/> is one we opened; null with none (for tests).</summary>
    internal bool? InitiatedByUs(long sid) =>
        _peers.TryGetValue(sid, out var peer) && peer.Connection is { } connection ? connection.InitiatedByUs : null;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        var connections = new List<ElectionConnection>();
        foreach (var peer in _peers.Values)
        {
            lock (peer.Gate)
            {
                if (peer.Connection is { } connection)
                {
                    connections.Add(connection);
                }
            }
        }

        foreach (var connection in connections)
        {
            connection.Close("shutting down");
        }

        await Task.WhenAll(connections.Select(c => c.Completion).Concat(_tasks.Keys)).ConfigureAwait(false);
        _stop.Dispose();
    }

    // ---- called by connections --------------------------------------------------------------------------------

    internal void Deliver(Notification notification)
    {
        if (!_disposed)
        {
            _onNotification(notification);
        }
    }

    internal void OnConnectionClosed(Peer peer, ElectionConnection connection)
    {
        bool retry;
        lock (peer.Gate)
        {
            if (peer.Connection != connection)
            {
                return;
            }

            peer.Connection = null;

            // What was written last may have died with the connection (a peer going down reads nothing more):
            // it waits again, so that the peer gets it once it is back, as SendWorker.run resends lastMessageSent.
            peer.Pending ??= peer.LastSent;
            retry = peer.Pending is not null;
        }

        if (retry)
        {
            EnsureConnecting(peer, connectBack: false);
        }
    }

    // ---- connecting ------------------------------------------------------------------------------------------

    private Peer PeerOf(long sid) => _peers.GetOrAdd(sid, static id => new Peer(id));

    /// <summary>Starts the connect loop for <paramref name="peer"/> unless one runs or a connection is up.</summary>
    /// <remarks>A connect-back finds a loop already running when the peer was down a moment ago and we have been
    /// dialling it: the loop may be waiting out its back-off (up to <see cref="QuorumTransportOptions.ElectionRetryMaxDelay"/>)
    /// or a connect to an address that no longer answers (up to <see cref="QuorumTransportOptions.ConnectTimeout"/>).
    /// The peer has just told us it is up, so that attempt is cut short and the loop dials again at once: a restarted
    /// member with the smaller id otherwise waits seconds for the votes that let it rejoin.</remarks>
    private void EnsureConnecting(Peer peer, bool connectBack)
    {
        CancellationTokenSource? running;
        lock (peer.Gate)
        {
            if (connectBack)
            {
                peer.ConnectBack = true;
            }

            if (_disposed || peer.Connection is not null)
            {
                return;
            }

            running = peer.Connecting ? peer.Attempt : null;
            if (!peer.Connecting)
            {
                peer.Connecting = true;
                Track(Task.Run(() => ConnectLoopAsync(peer)));
                return;
            }
        }

        if (connectBack && running is not null)
        {
            CutShort(running);
        }
    }

    /// <summary>Ends a connect loop's current attempt or pause (outside the peer's lock: cancellation runs the
    /// attempt's continuations).</summary>
    private static void CutShort(CancellationTokenSource attempt)
    {
        try
        {
            attempt.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That attempt ended meanwhile; the loop reads ConnectBack before its next one.
        }
    }

    /// <summary>connectOne, repeated with a growing pause while a notification waits and no connection is up. A
    /// connect-back to a smaller peer that contacted us is attempted once even with nothing waiting.</summary>
    private async Task ConnectLoopAsync(Peer peer)
    {
        var delay = _options.ElectionRetryMinDelay;
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            lock (peer.Gate)
            {
                if (_disposed || peer.Connection is not null || (peer.Pending is null && !peer.ConnectBack))
                {
                    peer.Connecting = false;
                    peer.Attempt = null;
                    return;
                }

                peer.ConnectBack = false;
                peer.Attempt = attempt;
            }

            var address = AddressOf(peer);
            if (address is null)
            {
                Log.UnknownElectionPeer(_logger, peer.Sid);
                EndConnectLoop(peer);

                return;
            }

            try
            {
                var socket = await PeerSockets.ConnectAsync(address.Value, _options.ConnectTimeout, _addresses, attempt.Token).ConfigureAwait(false);
                try
                {
                    // One write: 3.8's InitialMessage.parse reads the address with a single read().
                    await socket.SendAsync(_handshake, SocketFlags.None, attempt.Token).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                if (peer.Sid > MyId)
                {
                    // We lose the challenge: the peer, seeing our smaller id, connects back.
                    Log.LostChallenge(_logger, peer.Sid);
                    socket.Dispose();
                }
                else
                {
                    lock (peer.Gate)
                    {
                        peer.Attempt = null;
                    }

                    Keep(peer, socket, initiatedByUs: true);
                    delay = _options.ElectionRetryMinDelay;
                    continue;
                }
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                // Cut short by a connect-back (the peer is up): dial again now, from the shortest pause.
                Log.ElectionRedialNow(_logger, peer.Sid);
                delay = _options.ElectionRetryMinDelay;
                continue;
            }
            catch (OperationCanceledException)
            {
                EndConnectLoop(peer);

                return;
            }
            catch (SocketException e)
            {
                Log.ElectionConnectFailed(_logger, peer.Sid, address.Value.ToString(), e.Message);
            }

            try
            {
                await Task.Delay(delay, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                Log.ElectionRedialNow(_logger, peer.Sid);
                delay = _options.ElectionRetryMinDelay;
                continue;
            }
            catch (OperationCanceledException)
            {
                EndConnectLoop(peer);

                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ElectionRetryMaxDelay.Ticks));
        }
    }

    /// <summary>The connect loop stops: the next notification or connect-back starts another.</summary>
    private static void EndConnectLoop(Peer peer)
    {
        lock (peer.Gate)
        {
            peer.Connecting = false;
            peer.Attempt = null;
        }
    }

    /// <summary>The configured election address, or the one a peer outside the configuration told us.</summary>
    private HostPort? AddressOf(Peer peer)
    {
        if (_servers.TryGetValue(peer.Sid, out var server))
        {
            return server.ElectionAddress;
        }

        lock (peer.Gate)
        {
            return peer.LearnedAddress;
        }
    }

    /// <summary>Makes <paramref name="socket"/> the connection with <paramref name="peer"/>, closing any older one.</summary>
    private void Keep(Peer peer, Socket socket, bool initiatedByUs)
    {
        PeerSockets.GiveUpOnSilentPeer(socket, _options.ElectionPeerTimeout);
        var connection = new ElectionConnection(this, peer, socket, initiatedByUs, _logger);
        ElectionConnection? old;
        lock (peer.Gate)
        {
            if (_disposed)
            {
                socket.Dispose();
                return;
            }

            old = peer.Connection;
            peer.Connection = connection;
        }

        old?.Close("replaced by a new connection");
        Log.ElectionConnected(_logger, peer.Sid, initiatedByUs ? "we connected" : "it connected");
        connection.Start();
    }

    // ---- accepting -------------------------------------------------------------------------------------------

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

            Track(Task.Run(() => HandleConnectionAsync(socket), CancellationToken.None));
        }
    }

    /// <summary>QuorumCnxManager.handleConnection.</summary>
    private async Task HandleConnectionAsync(Socket socket)
    {
        ElectionHandshake.Initial initial;
        try
        {
            socket.NoDelay = true;
            initial = await ReadHandshakeAsync(socket).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.BadHandshake(_logger, SafeRemote(socket)?.ToString(), e.Message);
            socket.Dispose();
            return;
        }

        long sid = initial.Sid;
        if (sid == MyId)
        {
            Log.ConnectionFromSelf(_logger, SafeRemote(socket)?.ToString(), MyId);
            socket.Dispose();
            return;
        }

        var peer = PeerOf(sid);
        if (_servers.TryGetValue(sid, out var known) && SafeRemote(socket) is IPEndPoint from)
        {
            // Where it is now: a member that restarted in a new container has a new address, and the resolver may
            // not tell us in time (PeerAddresses).
            _addresses.Learn(known.Hostname, from.Address);
        }

        if (initial.ElectionAddresses.Length > 0)
        {
            lock (peer.Gate)
            {
                peer.LearnedAddress = initial.ElectionAddresses[0];
            }
        }

        if (sid < MyId)
        {
            // We win: drop its connection (and whatever connection we still had with it), connect back.
            Log.WonChallenge(_logger, sid);
            socket.Dispose();
            ElectionConnection? old;
            lock (peer.Gate)
            {
                old = peer.Connection;
            }

            old?.Close("the peer connected again");
            EnsureConnecting(peer, connectBack: true);
            return;
        }

        Keep(peer, socket, initiatedByUs: false);
    }

    /// <summary>Reads exactly the handshake (nothing after it, which is the first message), within the identify
    /// timeout.</summary>
    private async Task<ElectionHandshake.Initial> ReadHandshakeAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_options.IdentifyTimeout);
        var bytes = new byte[20 + ElectionHandshake.MaxAddressLength];
        int have = 0;
        foreach (int need in new[] { 8, 20 })
        {
            await ReceiveExactlyAsync(socket, bytes.AsMemory(have, need - have), timeout.Token).ConfigureAwait(false);
            have = need;
            if (ElectionHandshake.TryRead(new(bytes, 0, have), out var early, out _))
            {
                return early;
            }
        }

        int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        await ReceiveExactlyAsync(socket, bytes.AsMemory(20, length), timeout.Token).ConfigureAwait(false);
        if (!ElectionHandshake.TryRead(new(bytes, 0, 20 + length), out var initial, out _))
        {
            throw new FormatException("incomplete handshake");
        }

        return initial;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("end of stream inside the handshake");
            }

            buffer = buffer[read..];
        }
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private void Track(Task task)
    {
        _tasks[task] = true;
        task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, bool>)state!).TryRemove(t, out _), _tasks,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>What we keep per peer; every field under <see cref="Gate"/>.</summary>
    internal sealed class Peer(long sid)
    {
        public Lock Gate { get; } = new();

        public long Sid { get; } = sid;

        /// <summary>The newest notification not yet written (a frame: length and message).</summary>
        public byte[]? Pending { get; set; }

        /// <summary>The last frame handed to a connection, sent again on a new one with nothing pending.</summary>
        public byte[]? LastSent { get; set; }

        public ElectionConnection? Connection { get; set; }

        public bool Connecting { get; set; }

        public bool ConnectBack { get; set; }

        /// <summary>Cancels the connect loop's current attempt or pause; null between attempts.</summary>
        public CancellationTokenSource? Attempt { get; set; }

        public HostPort? LearnedAddress { get; set; }

        /// <summary>What a new connection sends first: the pending frame, or else the last one again. Nothing for a
        /// connection that is no longer the peer's (its frame must wait for the next one).</summary>
        public byte[]? TakeFirstFrame(ElectionConnection connection)
        {
            lock (Gate)
            {
                return Connection == connection ? TakePendingLocked() ?? LastSent : null;
            }
        }

        public byte[]? TakePending(ElectionConnection connection)
        {
            lock (Gate)
            {
                return Connection == connection ? TakePendingLocked() : null;
            }
        }

        private byte[]? TakePendingLocked()
        {
            var frame = Pending;
            if (frame is not null)
            {
                Pending = null;
                LastSent = frame;
            }

            return frame;
        }
    }
}
