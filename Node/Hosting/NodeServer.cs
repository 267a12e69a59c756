using System.Net;
using CoordAspire.Configuration;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Commands;
using CoordAspire.Node.Network;
using CoordAspire.Node.Processing;
using Microsoft.Extensions.Logging;
using CoordAspire.Server;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Hosting;

/// <summary>
/// A standalone server wired together: the <see cref="RequestProcessor"/> on its <see cref="RequestLoop"/>, the
/// <see cref="TickTimer"/> that drives expiry, and the <see cref="ClientListener"/> with its four letter words.
/// The host runs one; a test can run several in one process, each on its own port.
/// </summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly RequestLoop _loop;
    private readonly TickTimer _ticks;
    private readonly ClientListener _listener;
    private readonly IPEndPoint _endPoint;
    private readonly RequestProcessor _processor;
    private readonly Persistence.DurableLog _durable;
    private readonly CancellationTokenSource _purgeStop = new();
    private Task _purge = Task.CompletedTask;
    private int _state;
    private CoordAspire.Server.Replication.EnsembleMember? _ensemble;
    private Replication.QuorumPeerNetwork? _quorum;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly Telemetry.FiguresPublisher _figures;
    private readonly FourLetterWordContext _context;

    /// <param name="limits">Per-connection limits; by default those <paramref name="config"/> implies.</param>
    public NodeServer(ZooConfig config, ILoggerFactory loggerFactory, TimeProvider timeProvider, ConnectionLimits? limits = null)
    {
        Config = config;
        Settings = config.ToServerSettings();
        _logger = loggerFactory.CreateLogger("CoordAspire.Node.Server");
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _endPoint = config.ResolveClientEndPoint();

        var clock = new ServerClock(timeProvider);
        var now = clock.Now();
        var processor = new RequestProcessor(Settings, now, loggerFactory.CreateLogger<RequestProcessor>());
        _processor = processor;
        _durable = new Persistence.DurableLog(config, loggerFactory);
        _loop = new RequestLoop(processor, clock, loggerFactory.CreateLogger<RequestLoop>(), _durable);
        _ticks = new TickTimer(_loop, TickTimer.IntervalFor(Settings.TickTime), timeProvider);

        Connections = new ConnectionRegistry();
        _figures = new Telemetry.FiguresPublisher(_loop, () => Telemetry.ServerFigures.Read(_processor, Connections, _ensemble));
        _context = new FourLetterWordContext(config, Settings, _loop, Connections, clock, now.ElapsedMs, () => LocalEndPoint, () => Mode, () => IsServing, () => IsReadOnly, () => _ensemble);
        var fourLetterWords = new FourLetterWordExecutor(_context);
        limits ??= config.ToConnectionLimits(Settings);
        var connectionLogger = loggerFactory.CreateLogger<ClientConnection>();
        _listener = new ClientListener(
            _endPoint,
            config.ClientPortListenBacklog,
            config.MaxClientCnxns,
            Connections,
            socket => new ClientConnection(socket, _loop, limits, fourLetterWords, connectionLogger),
            loggerFactory.CreateLogger<ClientListener>());
    }

    public ZooConfig Config { get; }

    public ServerSettings Settings { get; }

    public ConnectionRegistry Connections { get; }

    /// <summary>What this server does now (read from any thread).</summary>
    public NodeMode Mode => _ensemble is { } member ? member.Mode : NodeMode.Standalone;

    /// <summary>True while clients can be served: a standalone server once started, an ensemble member while it is
    /// leader or a synchronised learner. Health checks report healthy only then.</summary>
    public bool IsServing => Volatile.Read(ref _state) == 1 && (_ensemble is not { } member || member.IsServing);

    /// <summary>True while this ensemble member, cut off from its quorum, serves read-only clients
    /// (<c>readonlymode.enabled</c>). Not <see cref="IsServing"/>: a client that cannot be read-only is refused here.</summary>
    public bool IsReadOnly => Volatile.Read(ref _state) == 1 && _ensemble is { IsReadOnly: true };

    /// <summary>Where clients connect; the real port once started, if port 0 was configured.</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Binds the client port (throwing, with nothing started, if it cannot) and starts serving.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        LogBanner();

        try
        {
            if (Config.IsDistributed)
            {
                // An ensemble member serves no one until it has a leader and is in sync (EnsembleMember).
                StartEnsembleMember();
            }
            else
            {
                // The database is whole before the port opens: no client ever sees a half-restored tree.
                _durable.Restore(_processor);
            }

            // Bind first: connections accepted before the loop runs just queue their work.
            _listener.Start();
        }
        catch
        {
            Volatile.Write(ref _state, 0);
            throw;
        }

        _loop.Start();
        _figures.Start();
        _ticks.Start();
        _quorum?.Start();
        if (Config.PurgeInterval > 0)
        {
            _purge = PurgePeriodicallyAsync(TimeSpan.FromHours(Config.PurgeInterval), _purgeStop.Token);
        }

        Log.Started(_logger, LocalEndPoint, Config.IsDistributed ? "an ensemble member" : "standalone");
    }

    /// <summary>
    /// QuorumPeer.start for an ensemble member: the database (snapshot, and the log handed to the consensus core
    /// unapplied), the core, and its two ports. The member starts LOOKING.
    /// </summary>
    private void StartEnsembleMember()
    {
        var durableState = _durable.RestoreForQuorum(_processor);
        _quorum = new Replication.QuorumPeerNetwork(Config, _loggerFactory);
        var member = Replication.EnsembleSetup.CreateMember(Config, durableState, _processor, _loop, _durable, _quorum, CloseClientConnections, _timeProvider, _loggerFactory);
        _ensemble = member;
        _loop.UseCommitter(member);
    }

    /// <summary>On the loop: a member that stops serving drops every client (they reconnect to another server).</summary>
    private void CloseClientConnections(string reason)
    {
        foreach (var connection in Connections.Snapshot())
        {
            connection.Close(reason);
        }
    }

    /// <summary>
    /// What <c>mntr</c> prints, read on the loop; nothing while the server does not serve (ZooKeeper unregisters
    /// these gauges when its server stops for an election, and <c>mntr</c> answers "not currently serving").
    /// </summary>
    public Task<IReadOnlyList<Telemetry.MonitorValue>> MonitorValuesAsync() =>
        IsServing ? _loop.QueryAsync(p => Telemetry.MonitorValues.Read(_context, p)) : Task.FromResult<IReadOnlyList<Telemetry.MonitorValue>>([]);

    /// <summary>Reads the processor's state on the loop, between requests.</summary>
    public Task<T> QueryAsync<T>(Func<RequestProcessor, T> query) => _loop.QueryAsync(query);

    /// <summary>Closes the client port and every connection, then lets the loop finish what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        Log.Stopping(_logger);
        _figures.Stop();
        await _listener.DisposeAsync().ConfigureAwait(false);
        if (_quorum is not null)
        {
            await _quorum.DisposeAsync().ConfigureAwait(false);
        }

        await _ticks.DisposeAsync().ConfigureAwait(false);
        await _loop.DisposeAsync().ConfigureAwait(false);
        await _purgeStop.CancelAsync().ConfigureAwait(false);
        await _purge.ConfigureAwait(false);
        _purgeStop.Dispose();
        _durable.Dispose();
        _ensemble?.Dispose();
        Log.Stopped(_logger);
    }

    /// <summary><c>autopurge.purgeInterval</c>: ZooKeeper's DatadirCleanupManager, first run at start.</summary>
    private async Task PurgePeriodicallyAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                _durable.Purge();
            }
            catch (IOException e)
            {
                Log.PurgeFailed(_logger, e);
            }
        }
        while (await SafeWaitAsync(timer, stop).ConfigureAwait(false));
    }

    private static async Task<bool> SafeWaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void LogBanner()
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var config = Config;
        Log.Starting(_logger, NodeVersion.Version, NodeVersion.ZooKeeperCompatibility, config.ConfigFile ?? "(in memory)");
        foreach (var warning in config.Warnings)
        {
            Log.ConfigWarning(_logger, warning);
        }

        if (config.IsDistributed)
        {
            Log.EnsembleMember(_logger, Settings.ServerId, config.Servers.Count, string.Join(", ", config.Servers.Values.OrderBy(s => s.Id).Select(s => $"server.{s.Id}={s}")));
        }

        string dataDir = Path.GetFullPath(config.DataDir);
        string dataLogDir = Path.GetFullPath(config.DataLogDir);
        Log.Created(_logger, Settings.TickTime, Settings.MinSessionTimeout, Settings.MaxSessionTimeout, config.ClientPortListenBacklog, dataDir, dataLogDir);
        Log.Containers(_logger, Settings.ContainerCheckIntervalMs, Settings.ContainerMaxPerMinute, Settings.ExtendedTypesEnabled);
        string fourLetterWords = string.Join(", ", config.FourLetterWordWhitelist.Order(StringComparer.Ordinal));
        Log.FourLetterWords(_logger, fourLetterWords);
        Log.Binding(_logger, _endPoint);
    }
}
