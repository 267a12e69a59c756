using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>
/// What every client suite needs: clients connected to the fixture's server (closed after the test), and a fresh
/// znode per test to work under, so tests never see each other's znodes.
/// </summary>
public abstract class ClientTestBase(IZooKeeperServerFixture server) : IAsyncLifetime
{
    private readonly List<ZooKeeperClient> _clients = [];

    private readonly string _connectString = server.ConnectStringForTest(Random.Shared.Next(int.MaxValue));

    protected IZooKeeperServerFixture Server { get; } = server;

    /// <summary>Where this test's clients connect (see <see cref="IZooKeeperServerFixture.ConnectStringForTest"/>).</summary>
    protected string ConnectString => _connectString;

    /// <summary>The test's own znode, created before the test (e.g. /ClientTest-3f2a...).</summary>
    protected string Root { get; } = "/" + Guid.NewGuid().ToString("N");

    protected ZooKeeperClient Client { get; private set; } = null!;

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public virtual async Task InitializeAsync()
    {
        Client = await ConnectAsync();
        await Client.CreateAsync(Root);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>A new client (own session) to the server, optionally chrooted; closed after the test.</summary>
    /// <param name="singleServer">Connect to one server only (<see cref="IZooKeeperServerFixture.SingleServerConnectString"/>).</param>
    protected async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions? options = null, string chroot = "", bool singleServer = false)
    {
        options ??= new ZooKeeperClientOptions();
        options.ReconnectJitter = TimeSpan.FromMilliseconds(50);
        if (options.ReconnectDelay == TimeSpan.FromSeconds(1))
        {
            options.ReconnectDelay = TimeSpan.FromMilliseconds(100);
        }

        var client = await ZooKeeperClient.ConnectAsync((singleServer ? Server.SingleServerConnectString : _connectString) + chroot, options);
        _clients.Add(client);
        return client;
    }

    protected string P(string relative) => Root + "/" + relative;

    protected static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] data) => System.Text.Encoding.UTF8.GetString(data);

    /// <summary>Waits until <paramref name="client"/> reaches <paramref name="state"/>.</summary>
    protected static async Task WaitForStateAsync(ZooKeeperClient client, ConnectionState state, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (client.State != state)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"client stayed {client.State}, expected {state}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> when it never does.</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("never happened: " + what);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> (which may ask the server) holds.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("never happened: " + what);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The children of <paramref name="path"/>, none when it is gone — as a recipe's container znode is, once
    /// the server reaps it after its last child left.</summary>
    protected async Task<IReadOnlyList<string>> ChildrenOrNoneAsync(string path)
    {
        try
        {
            // Another client's changes: in an ensemble this client's server may not have applied them yet.
            await Client.SyncAsync(path);
            return await Client.GetChildrenAsync(path);
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if it is below (the most seen at once).</summary>
    protected static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Lets a test call an operation only for the exception it throws before sending.</summary>
    protected static void Discard<T>(ValueTask<T> pending) => _ = pending.AsTask();

    /// <summary>Collects events from a watcher callback for later assertions.</summary>
    protected sealed class EventLog
    {
        private readonly List<WatchedEvent> _events = [];
        private readonly System.Threading.Channels.Channel<WatchedEvent> _unread = System.Threading.Channels.Channel.CreateUnbounded<WatchedEvent>();

        public EventLog() => Watcher = e =>
        {
            lock (_events)
            {
                _events.Add(e);
            }

            _unread.Writer.TryWrite(e);
        };

        public Action<WatchedEvent> Watcher { get; }

        public IReadOnlyList<WatchedEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public IReadOnlyList<WatchedEvent> NodeEvents => Events.Where(e => e.Type != EventType.None).ToList();

        /// <summary>Waits for the next event (of any kind) the watcher receives.</summary>
        public async Task<WatchedEvent> NextAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? Timeout);
            try
            {
                return await _unread.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no watch event arrived; got so far: " + string.Join(", ", Events));
            }
        }

        /// <summary>Waits until <paramref name="count"/> node events arrived.</summary>
        public async Task<IReadOnlyList<WatchedEvent>> WaitForNodeEventsAsync(int count, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? Timeout);
            while (NodeEvents.Count < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"expected {count} node events, got: " + string.Join(", ", Events));
                }

                await Task.Delay(10);
            }

            return NodeEvents;
        }
    }
}
