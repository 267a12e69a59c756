using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Client;

/// <summary>
/// An asynchronous client for Apache ZooKeeper and CoordAspire: one session over one TCP connection at a time, many
/// requests in flight on it, transparent reconnection to the servers of the connect string with the session, its
/// credentials and its watches carried over.
/// </summary>
/// <remarks>
/// Operations return <see cref="ValueTask{TResult}"/> backed by pooled objects: await each exactly once (use
/// <c>AsTask()</c> to combine them with <c>Task.WhenAll</c>). A request that fails because the connection was lost
/// throws <see cref="ConnectionLossException"/>: it may or may not have been applied. Watch callbacks, connection
/// state events and <see cref="OneShotWatch"/> signals run one at a time on the client's dispatcher, in the order the
/// server sent them; a callback should not block.
/// </remarks>
public sealed partial class ZooKeeperClient : IAsyncDisposable, IDisposable
{
    private readonly ZooKeeperClientOptions _options;

    internal ZooKeeperClientOptions Options => _options;
    private readonly HostProvider _hosts;
    private readonly Random _random;
    private readonly string? _chroot;
    private readonly Channel<Request> _outgoing =
        Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Lock _gate = new();
    private readonly List<(string Scheme, byte[] Auth)> _authInfo = [];
    private int _state = (int)ConnectionState.Disconnected;
    private int _xid;

    private ZooKeeperClient(ConnectString connectString, ZooKeeperClientOptions options)
    {
        _options = options;
        _chroot = connectString.ChrootPath;
        ConnectString = connectString;
        _random = options.HostShuffleSeed is int seed ? new Random(seed) : new Random();
        _hosts = new HostProvider(connectString.Servers, _random);
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ZooKeeperClient>();
        using (ExecutionContext.SuppressFlow())
        {
            Dispatcher = new EventDispatcher(Logger);
        }

        _sessionId = options.SessionId;
        _password = options.SessionPassword ?? new byte[16];
        _authInfo.AddRange(options.AuthInfo);
        RequestedTimeoutMs = (int)Math.Clamp(options.SessionTimeout.TotalMilliseconds, 1, int.MaxValue);
        _negotiatedTimeoutMs = RequestedTimeoutMs;
    }

    /// <summary>Raised on the dispatcher, in order with watch events, whenever <see cref="State"/> changes.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    public ConnectString ConnectString { get; }

    /// <summary>The chroot every path is relative to, or null.</summary>
    public string? ChrootPath => _chroot;

    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    internal ILogger Logger { get; }

    internal ClientWatchManager Watches { get; } = new();

    internal EventDispatcher Dispatcher { get; }

    internal ChannelReader<Request> Outgoing => _outgoing.Reader;

    internal ClientTestHooks TestHooks { get; } = new();

    internal int MaxFrameLength => _options.MaxFrameLength;

    internal int RequestedTimeoutMs { get; }

    /// <summary>
    /// Connects to one of the servers of <paramref name="connectString"/> and establishes a session. Fails with
    /// <see cref="ConnectionLossException"/> when no server accepted one within <see cref="ZooKeeperClientOptions.ConnectTimeout"/>.
    /// </summary>
    public static async Task<ZooKeeperClient> ConnectAsync(
        string connectString, ZooKeeperClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = new ZooKeeperClient(ConnectString.Parse(connectString), options ?? new ZooKeeperClientOptions());
        client.Start();
        try
        {
            await client._firstSession.Task.WaitAsync(client._options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (TimeoutException e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionLossException(
                message: $"no server of {connectString} established a session within {client._options.ConnectTimeout}: {client._lastConnectError}", inner: e);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts connecting in the background and returns at once, as Java's <c>ZooKeeper</c> constructor does: the client
    /// is <see cref="ConnectionState.Disconnected"/> until a server grants a session. Requests made meanwhile wait for
    /// that first connection (and fail with <see cref="ConnectionLossException"/> if the attempt fails); use
    /// <see cref="WaitUntilConnectedAsync"/> to wait for it. For dependency injection, where a factory cannot await.
    /// </summary>
    public static ZooKeeperClient Create(string connectString, ZooKeeperClientOptions? options = null)
    {
        var client = new ZooKeeperClient(ConnectString.Parse(connectString), options ?? new ZooKeeperClientOptions());
        client.Start();
        return client;
    }

    /// <summary>Completes when the client is <see cref="ConnectionState.Connected"/> (at once if it is), or
    /// <see cref="ConnectionState.ConnectedReadOnly"/> for a client that <see cref="ZooKeeperClientOptions.CanBeReadOnly"/>. Throws
    /// <see cref="SessionExpiredException"/> (or <see cref="AuthFailedException"/>) when the client reaches a terminal
    /// state instead.</summary>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<ConnectionStateChangedEventArgs> handler = (_, e) =>
        {
            if (e.Current.IsConnected())
            {
                connected.TrySetResult();
            }
            else if (e.Current.IsTerminal())
            {
                connected.TrySetException(TerminalException(null));
            }
        };
        StateChanged += handler;
        try
        {
            // Looked at after subscribing: a change between the two is then not missed.
            var state = State;
            if (state.IsConnected())
            {
                return;
            }

            if (state.IsTerminal())
            {
                throw TerminalException(null);
            }

            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= handler;
        }
    }

    /// <summary>The connection states from now on, until the client reaches a terminal state.</summary>
    public async IAsyncEnumerable<ConnectionState> StateChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ConnectionState>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        EventHandler<ConnectionStateChangedEventArgs> handler = (_, e) =>
        {
            channel.Writer.TryWrite(e.Current);
            if (e.Current.IsTerminal())
            {
                channel.Writer.TryComplete();
            }
        };
        StateChanged += handler;
        try
        {
            if (State.IsTerminal())
            {
                yield break;
            }

            await foreach (var state in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return state;
            }
        }
        finally
        {
            StateChanged -= handler;
        }
    }

    /// <summary>Adds credentials to the session (<c>addAuthInfo</c>, e.g. <c>digest</c> with <c>user:password</c>);
    /// they are re-sent on every reconnection. Completes once the server accepted them; a refusal ends the session
    /// (<see cref="ConnectionState.AuthFailed"/>).</summary>
    public ValueTask AddAuthAsync(string scheme, byte[] auth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(auth);
        lock (_gate)
        {
            _authInfo.Add((scheme, auth));
        }

        var request = Request<bool>.Rent(null);
        request.Begin(this, OpCode.Auth, null, RequestKind.Auth);
        new Protocol.Records.AuthPacket(0, scheme, auth).Write(new JuteWriter(request.Frame));
        return SubmitVoid(request, cancellationToken);
    }

    internal IReadOnlyList<(string Scheme, byte[] Auth)> AuthInfoSnapshot()
    {
        lock (_gate)
        {
            return [.. _authInfo];
        }
    }

    internal int NextXid()
    {
        // Only the connection's writer numbers requests. Xids are positive; negative ones are reserved.
        int xid = ++_xid;
        if (xid <= 0)
        {
            _xid = xid = 1;
        }

        return xid;
    }

    internal void EnqueuePing() => _outgoing.Writer.TryWrite(PingRequest.Instance);

    internal void WakeWriter() => _outgoing.Writer.TryWrite(PingRequest.Wake);

    /// <summary>A request a dying connection's writer took but did not send: failed like the rest of the queue
    /// (<c>cleanup</c>), as the next connection attempt cannot be told apart from a later one.</summary>
    internal void FailUnsent(Request request)
    {
        if (request.Kind == RequestKind.Ping)
        {
            return;
        }

        request.FailNow(KeeperException.Create(ErrorCode.ConnectionLoss, request.Path));
    }

    internal ValueTask<T> Submit<T>(Request<T> request, CancellationToken cancellationToken)
    {
        Enqueue(request, cancellationToken);
        return request.AsValueTask();
    }

    internal ValueTask SubmitVoid(Request<bool> request, CancellationToken cancellationToken)
    {
        Enqueue(request, cancellationToken);
        return request.AsVoidValueTask();
    }

    /// <summary>Writes a client path as the server path the session sees: with the chroot in front, without building the string.</summary>
    internal void WritePath(in JuteWriter writer, string clientPath)
    {
        if (_chroot is null)
        {
            writer.WriteString(clientPath);
            return;
        }

        if (clientPath == "/")
        {
            writer.WriteString(_chroot);
            return;
        }

        var output = writer.Output;
        var span = output.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(_chroot.Length + clientPath.Length));
        int length = Encoding.UTF8.GetBytes(_chroot, span[4..]);
        length += Encoding.UTF8.GetBytes(clientPath, span[(4 + length)..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        output.Advance(4 + length);
    }

    internal string ToServerPath(string clientPath) =>
        _chroot is null ? clientPath : clientPath == "/" ? _chroot : _chroot + clientPath;

    /// <summary>A server path as the caller sees it (<c>ClientCnxn</c> strips the chroot from events the same way).</summary>
    internal string ToClientPath(string serverPath)
    {
        if (_chroot is null)
        {
            return serverPath;
        }

        if (serverPath.Length == _chroot.Length && serverPath == _chroot)
        {
            return "/";
        }

        return serverPath.Length > _chroot.Length && serverPath.StartsWith(_chroot, StringComparison.Ordinal) && serverPath[_chroot.Length] == '/'
            ? serverPath[_chroot.Length..]
            : serverPath;
    }

    private void Enqueue(Request request, CancellationToken cancellationToken)
    {
        if (State.IsTerminal() || (_closing && request.OpCode != OpCode.CloseSession))
        {
            request.FailNow(TerminalException(request.Path));
        }
        else if (cancellationToken.IsCancellationRequested)
        {
            request.FailNow(new OperationCanceledException(cancellationToken));
        }
        else
        {
            request.AttachCancellation(cancellationToken);
            if (!_outgoing.Writer.TryWrite(request))
            {
                request.FailNow(TerminalException(request.Path));
            }
        }
    }

    /// <summary>What requests fail with once the client is done (Java's <c>ClientCnxn.conLossPacket</c>).</summary>
    private KeeperException TerminalException(string? path) => State switch
    {
        ConnectionState.AuthFailed => new AuthFailedException(path, "the session's credentials were refused; the client is closed"),
        ConnectionState.Expired => new SessionExpiredException(path, "the session has expired; the client is closed"),
        _ => new SessionExpiredException(path, "the client is closed"),
    };
}

/// <summary>Switches for tests that need to break things the network rarely breaks on cue.</summary>
internal sealed class ClientTestHooks
{
    /// <summary>Stop pinging and stop watching for a silent server: the session then expires on the server.</summary>
    public volatile bool SuppressPings;

    /// <summary>How many of the next create replies to lose: the create is applied, then the connection breaks before
    /// its reply is read, so the caller gets ConnectionLoss for a create that happened.</summary>
    public int LoseCreateReplies;

    public bool TakeCreateReplyLoss(OpCode opCode) =>
        opCode is OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl
        && Volatile.Read(ref LoseCreateReplies) > 0
        && Interlocked.Decrement(ref LoseCreateReplies) >= 0;
}
