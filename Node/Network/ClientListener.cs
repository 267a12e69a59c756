using System.Net;
using System.Net.Sockets;
using CoordAspire.Node.Telemetry;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Network;

/// <summary>
/// The client port (ZooKeeper's <c>NIOServerCnxnFactory</c> accept thread): accepts sockets, refuses those beyond
/// <c>maxClientCnxns</c> from one address, and runs a <see cref="ClientConnection"/> for each of the others.
/// </summary>
internal sealed class ClientListener : IAsyncDisposable
{
    private readonly IPEndPoint _endPoint;
    private readonly int _listenBacklog;
    private readonly int _maxClientCnxns;
    private readonly ConnectionRegistry _registry;
    private readonly Func<Socket, ClientConnection> _createConnection;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task _accepting = Task.CompletedTask;

    /// <param name="listenBacklog"><c>clientPortListenBacklog</c>; -1 for the system's default.</param>
    /// <param name="maxClientCnxns">Connections one IP address may hold; 0 for no limit.</param>
    public ClientListener(
        IPEndPoint endPoint,
        int listenBacklog,
        int maxClientCnxns,
        ConnectionRegistry registry,
        Func<Socket, ClientConnection> createConnection,
        ILogger logger)
    {
        _endPoint = endPoint;
        _listenBacklog = listenBacklog;
        _maxClientCnxns = maxClientCnxns;
        _registry = registry;
        _createConnection = createConnection;
        _logger = logger;
    }

    /// <summary>The bound address; its port is the real one when port 0 was asked for.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_socket?.LocalEndPoint ?? _endPoint);

    /// <summary>Binds and listens now, so that a port in use fails the start; then accepts in the background.</summary>
    public void Start()
    {
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endPoint.AddressFamily == AddressFamily.InterNetworkV6 && _endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                // The wildcard serves IPv4 clients too, as Java's wildcard socket does.
                socket.DualMode = true;
            }

            socket.Bind(_endPoint);
            if (_listenBacklog > 0)
            {
                socket.Listen(_listenBacklog);
            }
            else
            {
                socket.Listen();
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        Log.Listening(_logger, LocalEndPoint, _maxClientCnxns);
        _accepting = AcceptLoopAsync(socket, _stop.Token);
    }

    /// <summary>Stops accepting, aborts every connection and waits for them to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _accepting.ConfigureAwait(false);
        await _registry.AbortAllAsync("server is shutting down").ConfigureAwait(false);
        _stop.Dispose();
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
                // Out of file descriptors and the like: ZooKeeper logs and pauses rather than spinning.
                Log.AcceptFailed(_logger, e.SocketErrorCode, e);
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            Accept(socket);
        }
    }

    private void Accept(Socket socket)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint;
        var address = remote?.Address ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!_registry.TryReserve(address, _maxClientCnxns, out int current))
        {
            Log.TooManyConnections(_logger, address, _maxClientCnxns, current);
            NodeTelemetry.ConnectionsRejected.Add(1);
            socket.Dispose();
            return;
        }

        ClientConnection connection;
        try
        {
            socket.NoDelay = true;
            connection = _createConnection(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // The client left between accept and setup.
            _registry.Release(address);
            socket.Dispose();
            Log.AcceptFailed(_logger, (e as SocketException)?.SocketErrorCode ?? SocketError.SocketError, e);
            return;
        }

        // Registered before it runs, so that it cannot finish (and be removed) before it is added.
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunAsync(connection, registered.Task);
        _registry.Add(connection, run);
        registered.SetResult();
    }

    private async Task RunAsync(ClientConnection connection, Task registered)
    {
        // Off the accept loop (the continuation runs on the pool): the first read must not delay the next accept.
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _registry.Remove(connection);
        }
    }
}
