using CoordAspire.Protocol;

namespace CoordAspire.Client;

public sealed partial class ZooKeeperClient
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _firstSession = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _sessionLoop = Task.CompletedTask;
    private Task? _closeTask;
    private volatile ClientConnection? _connection;
    private volatile bool _closing;
    private volatile bool _authFailed;
    private volatile string? _lastConnectError;
    private long _sessionId;
    private byte[] _password;
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private bool _seenReadWriteServer;
    private ReadWriteServerSeeker? _seeker;
    private System.Net.DnsEndPoint? _readWriteServer;

    /// <summary>The server this client is connected to now ("host:port"), or null between connections.</summary>
    public string? ConnectedServer => _connection?.ServerName;

    /// <summary>The session id (0 before the first connection).</summary>
    public long SessionId => Volatile.Read(ref _sessionId);

    /// <summary>The session password; with <see cref="SessionId"/> it lets another client resume the session.</summary>
    public byte[] SessionPassword
    {
        get
        {
            lock (_gate)
            {
                return (byte[])_password.Clone();
            }
        }
    }

    /// <summary>The session timeout the server granted (the requested one before the first connection).</summary>
    public TimeSpan SessionTimeout => TimeSpan.FromMilliseconds(NegotiatedTimeoutMs);

    internal int NegotiatedTimeoutMs => Volatile.Read(ref _negotiatedTimeoutMs);

    /// <summary>The last zxid a reply carried: sent when reconnecting, so no server older than what this client has
    /// seen accepts the session, and with setWatches so the server can fire what was missed.</summary>
    internal long LastZxidSeen
    {
        get => Volatile.Read(ref _lastZxid);
        set => Volatile.Write(ref _lastZxid, value);
    }

    internal (long SessionId, byte[] Password, long LastZxid, bool SeenReadWriteServer) CurrentSession
    {
        get
        {
            lock (_gate)
            {
                return (_sessionId, _password, LastZxidSeen, _seenReadWriteServer || _options.SessionId != 0);
            }
        }
    }

    /// <summary>Closes the session (<c>closeSession</c>): its ephemerals go at once. Watches get a Closed event,
    /// pending and later requests fail. Safe to call more than once.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            return _closeTask ??= CloseCoreAsync();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    /// <summary>Closes the session and blocks until it is closed (Java's <c>close()</c>); prefer <see cref="DisposeAsync"/>.
    /// There for containers that dispose synchronously.</summary>
    public void Dispose() => CloseAsync().GetAwaiter().GetResult();

    internal void OnSessionEstablished(long sessionId, byte[] password, int timeoutMs, bool readOnly)
    {
        lock (_gate)
        {
            Volatile.Write(ref _sessionId, sessionId);
            _password = password;
            Volatile.Write(ref _negotiatedTimeoutMs, timeoutMs);
            _seenReadWriteServer |= !readOnly;
        }
    }

    internal void OnAuthFailed() => _authFailed = true;

    /// <summary>
    /// The connection broke (not by closing, expiry or refused credentials). What it had not sent fails with
    /// ConnectionLoss (<c>ClientCnxn.SendThread.cleanup</c>); then the client is Disconnected, before the requests in
    /// flight fail too — so a caller that catches a ConnectionLoss never sees a stale Connected, and a request made
    /// once Disconnected is visible waits for the next connection instead of failing with this one.
    /// </summary>
    internal void OnConnectionLost()
    {
        lock (_gate)
        {
            if (State.IsConnected() && !_authFailed && !_closing && !_lifetime.IsCancellationRequested)
            {
                FailQueued(ErrorCode.ConnectionLoss);
                SetState(ConnectionState.Disconnected, KeeperState.Disconnected);
            }
        }
    }

    /// <summary>Test hook: drops the current TCP connection as a network failure would.</summary>
    internal void DropConnection() => _connection?.Abort();

    /// <summary>Starts the session loop without the caller's ExecutionContext: its AsyncLocals (an Activity, a
    /// logging scope) must not leak into the connection loops and the watch callbacks of the client's whole life.</summary>
    private void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _sessionLoop = Task.Run(RunSessionAsync);
        }
    }

    /// <summary>
    /// The session's life (Java's <c>ClientCnxn.SendThread.run</c>): connect to the next server, run the connection
    /// until it fails, fail what was queued (<c>cleanup</c>), tell the watchers, try the next server, until the
    /// session expires, authentication fails or the client is closed.
    /// </summary>
    private async Task RunSessionAsync()
    {
        var cancellationToken = _lifetime.Token;
        bool firstAttempt = true;
        while (!cancellationToken.IsCancellationRequested && !_closing)
        {
            bool ran = false;
            try
            {
                // A read-write server found from a read-only one is dialled at once (ClientCnxn's rwServerAddress).
                var server = Interlocked.Exchange(ref _readWriteServer, null);
                if (server is null && !firstAttempt && _options.ReconnectJitter > TimeSpan.Zero)
                {
                    await Task.Delay(_random.Next((int)_options.ReconnectJitter.TotalMilliseconds + 1), cancellationToken).ConfigureAwait(false);
                }

                firstAttempt = false;
                server ??= await _hosts.NextAsync(_options.ReconnectDelay, cancellationToken).ConfigureAwait(false);
                ran = await ConnectAndRunAsync(server, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SessionExpiredException)
            {
                Log.SessionExpired(Logger, SessionId);
                EnterTerminalState(ConnectionState.Expired);
                return;
            }
            catch (Exception e)
            {
                // A bug must not leave the client stranded: treat it as a lost connection and carry on.
                Log.SessionLoopFailed(Logger, SessionId, e);
                _connection = null;
                if (State.IsConnected())
                {
                    SetState(ConnectionState.Disconnected, KeeperState.Disconnected);
                }
            }

            if (_authFailed)
            {
                Log.AuthFailed(Logger, SessionId);
                EnterTerminalState(ConnectionState.AuthFailed);
                return;
            }

            if (!_closing && !ran)
            {
                // A failed attempt fails what waited for it (cleanup). After a connection that ran, that happened
                // when it was lost (OnConnectionLost); what was queued since waits for the next connection.
                FailQueued(ErrorCode.ConnectionLoss);
            }
        }
    }

    /// <summary>Connects and runs the connection until it ends; false when no connection was made.</summary>
    private async Task<bool> ConnectAndRunAsync(System.Net.DnsEndPoint server, CancellationToken cancellationToken)
    {
        string name = $"{server.Host}:{server.Port}";
        Log.Connecting(Logger, name);
        ClientConnection connection;
        try
        {
            // Java divides the session timeout among the servers, so one dead server cannot eat all of it; and a
            // server that does not answer at once is raced by the next one (HostDialer).
            var timeout = TimeSpan.FromMilliseconds(Math.Max(NegotiatedTimeoutMs / _hosts.Count, 1000));
            var (socket, connected) = await HostDialer.ConnectAsync(_hosts, server, _options.ConnectStagger, timeout, cancellationToken).ConfigureAwait(false);
            server = connected;
            name = $"{server.Host}:{server.Port}";
            connection = await ClientConnection.OpenAsync(this, socket, server, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not SessionExpiredException && !cancellationToken.IsCancellationRequested)
        {
            _lastConnectError = $"{name}: {e.Message}";
            Log.ConnectFailed(Logger, name, e.Message);
            return false;
        }

        await using (connection.ConfigureAwait(false))
        {
            _connection = connection;
            _hosts.OnConnected();
            using var seeking = new CancellationTokenSource();
            var seeker = Task.CompletedTask;
            if (connection.IsReadOnly)
            {
                Log.ReadOnlySessionEstablished(Logger, SessionId, name, NegotiatedTimeoutMs);
                SetState(ConnectionState.ConnectedReadOnly, KeeperState.ConnectedReadOnly);
                seeker = SeekReadWriteServerAsync(connection, seeking.Token);
            }
            else
            {
                Log.SessionEstablished(Logger, SessionId, name, NegotiatedTimeoutMs);
                SetState(ConnectionState.Connected, KeeperState.SyncConnected);
            }

            _firstSession.TrySetResult();
            string reason = await connection.RunAsync(cancellationToken).ConfigureAwait(false);
            await seeking.CancelAsync().ConfigureAwait(false);
            await seeker.ConfigureAwait(false); // done with the host provider before the next connect uses it
            _connection = null;
            Log.ConnectionLost(Logger, name, SessionId, reason);
        }

        if (!_authFailed && !_closing && !cancellationToken.IsCancellationRequested)
        {
            SetState(ConnectionState.Disconnected, KeeperState.Disconnected);
        }

        return true;
    }

    /// <summary>
    /// While on a read-only server: the first read-write server that <see cref="ReadWriteServerSeeker"/> finds is
    /// remembered for the next connection, and this one is dropped (ClientCnxn's RWServerFoundException), so the
    /// client passes through Disconnected to Connected, as Java's watchers see it.
    /// </summary>
    private async Task SeekReadWriteServerAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        _seeker ??= new ReadWriteServerSeeker(_hosts, _options.ReadWriteServerSearchMaxInterval);
        try
        {
            var found = await _seeker.FindAsync(connection.Server, cancellationToken).ConfigureAwait(false);
            Log.ReadWriteServerFound(Logger, $"{found.Host}:{found.Port}", connection.ServerName);
            Volatile.Write(ref _readWriteServer, found);
            connection.Abort();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended first.
        }
    }

    private async Task CloseCoreAsync()
    {
        _closing = true;
        if (State.IsConnected())
        {
            try
            {
                var request = Request<bool>.Rent(null);
                request.Begin(this, OpCode.CloseSession, null);
                var timeout = TimeSpan.FromMilliseconds(Math.Clamp(NegotiatedTimeoutMs / 2, 1000, 10_000));
                await SubmitVoid(request, CancellationToken.None).AsTask().WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or TimeoutException)
            {
                Log.CloseSessionFailed(Logger, SessionId, e.Message);
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _sessionLoop.ConfigureAwait(false);
        if (!State.IsTerminal())
        {
            Log.SessionClosed(Logger, SessionId);
        }

        EnterTerminalState(ConnectionState.Closed);
        await Dispatcher.StopAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private void SetState(ConnectionState next, KeeperState keeperState)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)next);
        if (previous == next)
        {
            return;
        }

        // Java's materialize(None): every watcher hears of the connection's state, after what came before it.
        // The handlers are the ones subscribed when the state changed: one that subscribes after ConnectAsync
        // returned never hears of the first Connected, however late the dispatcher runs.
        var args = new ConnectionStateChangedEventArgs(previous, next);
        var handlers = StateChanged;
        if (handlers is not null)
        {
            Dispatcher.Post(() => handlers(this, args));
        }

        Dispatcher.Dispatch(new WatchedEvent(EventType.None, keeperState, null), Watches.All());
    }

    /// <summary>Expired, AuthFailed or Closed: no more requests, the queued ones fail, watchers hear it once and are dropped.</summary>
    private void EnterTerminalState(ConnectionState state)
    {
        lock (_gate)
        {
            if (State.IsTerminal())
            {
                return;
            }

            SetState(state, state switch
            {
                ConnectionState.Expired => KeeperState.Expired,
                ConnectionState.AuthFailed => KeeperState.AuthFailed,
                _ => KeeperState.Closed,
            });
        }

        _outgoing.Writer.TryComplete();
        var error = TerminalException(null);
        while (_outgoing.Reader.TryRead(out var request))
        {
            if (request.Kind != RequestKind.Ping)
            {
                request.FailNow(TerminalException(request.Path));
            }
        }

        Watches.Clear();
        _firstSession.TrySetException(error);
    }

    /// <summary>The connection is gone: what it had not sent yet fails too (<c>ClientCnxn.SendThread.cleanup</c>).</summary>
    private void FailQueued(ErrorCode code)
    {
        while (_outgoing.Reader.TryRead(out var request))
        {
            if (request.Kind != RequestKind.Ping)
            {
                request.FailNow(KeeperException.Create(code, request.Path));
            }
        }
    }
}
