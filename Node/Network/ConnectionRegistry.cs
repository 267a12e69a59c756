using System.Net;

namespace CoordAspire.Node.Network;

/// <summary>
/// The open client connections (ZooKeeper's <c>ServerCnxnFactory.cnxns</c>, <c>ipMap</c>): for <c>cons</c>,
/// <c>stat</c> and <c>dump</c>, for closing them all at shutdown, and to count connections per client address
/// against <c>maxClientCnxns</c>.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (ClientConnection Connection, Task Run)> _connections = [];
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private long _rejected;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Connections refused at accept because their address had <c>maxClientCnxns</c> already (<c>zk_connection_rejected</c>).</summary>
    public long Rejected
    {
        get
        {
            lock (_lock)
            {
                return _rejected;
            }
        }
    }

    /// <summary>
    /// Takes one of the <paramref name="maxPerAddress"/> slots of <paramref name="address"/> (0: no limit); false when
    /// they are all taken (<c>NIOServerCnxnFactory.AcceptThread.doAccept</c>: "Too many connections from …").
    /// </summary>
    public bool TryReserve(IPAddress address, int maxPerAddress, out int current)
    {
        lock (_lock)
        {
            current = _perAddress.GetValueOrDefault(address);
            if (maxPerAddress > 0 && current >= maxPerAddress)
            {
                _rejected++;
                return false;
            }

            _perAddress[address] = current + 1;
            return true;
        }
    }

    /// <summary>Registers a connection that holds a slot of its address, and the task serving it.</summary>
    public void Add(ClientConnection connection, Task run)
    {
        lock (_lock)
        {
            _connections[connection.Id] = (connection, run);
        }
    }

    /// <summary>Forgets a finished connection and frees its address's slot.</summary>
    public void Remove(ClientConnection connection)
    {
        lock (_lock)
        {
            _connections.Remove(connection.Id);
            Release(connection.RemoteEndPoint.Address);
        }
    }

    /// <summary>Frees a slot taken by <see cref="TryReserve"/> for a connection that never started.</summary>
    public void Release(IPAddress address)
    {
        lock (_lock)
        {
            int count = _perAddress.GetValueOrDefault(address) - 1;
            if (count > 0)
            {
                _perAddress[address] = count;
            }
            else
            {
                _perAddress.Remove(address);
            }
        }
    }

    /// <summary>The open connections, oldest first.</summary>
    public ClientConnection[] Snapshot()
    {
        lock (_lock)
        {
            var connections = new ClientConnection[_connections.Count];
            int i = 0;
            foreach (var (connection, _) in _connections.Values)
            {
                connections[i++] = connection;
            }

            Array.Sort(connections, static (a, b) => a.Id.CompareTo(b.Id));
            return connections;
        }
    }

    /// <summary>Aborts every connection and waits until each has let go of its socket.</summary>
    public async Task AbortAllAsync(string reason)
    {
        Task[] running;
        lock (_lock)
        {
            running = new Task[_connections.Count];
            int i = 0;
            foreach (var (connection, run) in _connections.Values)
            {
                connection.Abort(reason);
                running[i++] = run;
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }
}
