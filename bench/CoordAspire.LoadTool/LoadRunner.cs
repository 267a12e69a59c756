using System.Collections.Concurrent;
using System.Diagnostics;
using CoordAspire.Client;
using CoordAspire.Protocol;
using HdrHistogram;

namespace CoordAspire.LoadTool;

/// <summary>
/// One run: connect the sessions, create what the workload needs, run the workers through warm-up and measurement
/// (printing a progress line every second), clean up, and report. Failover adds the kill of the leader in the middle.
/// </summary>
internal sealed class LoadRunner
{
    private const int Warmup = 0, Measuring = 1, Stopped = 2;

    private readonly LoadOptions _options;
    private readonly WorkloadPlan _plan;
    private readonly ProgressPrinter _progress;
    private readonly byte[] _value;
    private readonly LatencyRecorder[] _recorders = [.. Enum.GetValues<OpKind>().Select(k => new LatencyRecorder(k.ToString().ToLowerInvariant()))];
    private readonly LatencyRecorder _connect = new("connect");
    private readonly ConcurrentDictionary<string, long> _errorsByType = new();
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RssSampler _rss;
    private readonly Action<WatchedEvent> _watcher;
    private readonly FailoverProbe? _failover;
    private int _phase = Warmup;
    private long _tickets;
    private long _errors;
    private long _watchEvents;
    private double _connectSeconds;
    private TimeSpan _cpuAtMeasureStart;
    private double _clientCpuSeconds;
    private double? _loadAtStart;
    private double? _loadAtEnd;

    public LoadRunner(LoadOptions options, ProgressPrinter progress)
    {
        _options = options;
        _plan = new WorkloadPlan(options);
        _progress = progress;
        _value = new byte[options.ValueSize];
        new Random(42).NextBytes(_value);
        _rss = new RssSampler(options.ServerPids);
        _failover = options.Workload == Workload.Failover ? new FailoverProbe(options, progress) : null;
        _watcher = e =>
        {
            if (e.Type != EventType.None)
            {
                Interlocked.Increment(ref _watchEvents);
            }
        };
    }

    private bool IsMeasuring => Volatile.Read(ref _phase) == Measuring;

    private bool IsStopped => Volatile.Read(ref _phase) == Stopped;

    /// <summary>Ends the run early (Ctrl+C): the measurement so far is reported.</summary>
    public void RequestStop() => _stopRequested.TrySetResult();

    public async Task<LoadReport> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clients = await ConnectAsync();
        try
        {
            await SetupAsync(clients[0]);
            var workers = clients.SelectMany((c, i) => Enumerable.Range(0, _options.InFlight).Select(s => new Worker(c, i, s))).ToArray();
            var running = workers.Select(w => Task.Run(() => WorkAsync(w))).ToArray();
            var (seconds, failover) = await DriveAsync(Task.WhenAll(running));
            await Task.WhenAll(running);
            var report = Report(startedAt, seconds, clients, failover);
            if (_options.Cleanup)
            {
                _progress.Note("cleaning up");
                await CleanupAsync(clients, workers);
            }

            return report;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.CloseAsync()));
        }
    }

    /// <summary>Opens the sessions, a bounded number at a time, each one's first server chosen so the connections are
    /// spread evenly over the servers (unless --no-spread).</summary>
    private async Task<ZooKeeperClient[]> ConnectAsync()
    {
        int servers = ConnectString.Parse(_options.Servers).Servers.Count;
        var clients = new ZooKeeperClient[_options.Connections];
        _progress.Note($"connecting {clients.Length} session(s) to {_options.Servers}");
        long phaseStart = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, clients.Length).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var options = new ZooKeeperClientOptions
                {
                    SessionTimeout = _options.SessionTimeout,
                    ConnectTimeout = TimeSpan.FromSeconds(30),
                    PropagateTraceContext = false,
                    HostShuffleSeed = _options.Spread ? ServerPinning.SeedFor(servers, i % servers) : null,
                    LoggerFactory = _options.ClientLog is { } level ? new ClientLog(_progress, level) : null,
                };
                if (_options.ReconnectDelay is { } delay)
                {
                    options.ReconnectDelay = delay;
                }

                if (_options.ReconnectJitter is { } jitter)
                {
                    options.ReconnectJitter = jitter;
                }

                long start = Stopwatch.GetTimestamp();
                clients[i] = await ZooKeeperClient.ConnectAsync(_options.Servers, options);
                _connect.RecordSince(start, Stopwatch.GetTimestamp());
            }
            finally
            {
                gate.Release();
            }
        }));
        _connect.Drain(keep: true);
        _connectSeconds = Stopwatch.GetElapsedTime(phaseStart).TotalSeconds;
        return clients;
    }

    private async Task SetupAsync(ZooKeeperClient admin)
    {
        foreach (var folder in _plan.Folders)
        {
            await CreateIfMissingAsync(admin, folder, default);
        }

        if (_plan.Keys.Count > 0)
        {
            _progress.Note($"creating {_plan.Keys.Count} keys of {_value.Length} bytes under {_options.Root}/keys");
            await ForEachPipelinedAsync([admin], _plan.Keys, 256, (client, key) => CreateIfMissingAsync(client, key, _value));
        }
    }

    private static async Task CreateIfMissingAsync(ZooKeeperClient client, string path, ReadOnlyMemory<byte> data)
    {
        try
        {
            await client.CreateAsync(path, data);
        }
        catch (NodeExistsException)
        {
            if (!data.IsEmpty)
            {
                await client.SetDataAsync(path, data);
            }
        }
    }

    /// <summary>One worker's closed loop until the run stops.</summary>
    private async Task WorkAsync(Worker worker)
    {
        long? count = _options.Count;
        while (!IsStopped)
        {
            bool measuring = IsMeasuring;
            if (count is long limit && measuring && Interlocked.Increment(ref _tickets) > limit)
            {
                RequestStop();
                return;
            }

            var kind = _plan.Next(worker);
            long start = Stopwatch.GetTimestamp();
            try
            {
                await ExecuteAsync(worker, kind);
                long end = Stopwatch.GetTimestamp();
                _recorders[(int)kind].RecordSince(start, end);
                _failover?.OnWriteSucceeded(start, end);
            }
            catch (Exception e) when (e is KeeperException or OperationCanceledException or TimeoutException)
            {
                if (IsMeasuring)
                {
                    Interlocked.Increment(ref _errors);
                    _errorsByType.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                }

                _failover?.OnWriteFailed();
                switch (e)
                {
                    case SessionExpiredException or AuthFailedException:
                        return;
                    case ConnectionLossException:
                        // Requests wait for the next connection in the client's queue; a short pause keeps a worker
                        // whose connection attempts fail at once from spinning.
                        await Task.Delay(1);
                        break;
                    case NodeExistsException when kind == OpKind.Create && _options.Workload == Workload.Ephemeral:
                        worker.EphemeralExists = true;
                        break;
                    case NoNodeException when kind == OpKind.Delete:
                        worker.EphemeralExists = false;
                        break;
                }
            }
        }
    }

    private async ValueTask ExecuteAsync(Worker worker, OpKind kind)
    {
        var client = worker.Client;
        switch (kind)
        {
            case OpKind.Create when _options.Workload == Workload.Ephemeral:
                await client.CreateAsync(worker.EphemeralPath(_options.Root), _value, CreateMode.Ephemeral);
                worker.EphemeralExists = true;
                break;
            case OpKind.Create:
                await client.CreateAsync(worker.CreatePath(_options.Root, worker.Created++), _value);
                break;
            case OpKind.Delete:
                await client.DeleteAsync(worker.EphemeralPath(_options.Root));
                worker.EphemeralExists = false;
                break;
            case OpKind.Set:
                await client.SetDataAsync(_plan.NextKey(worker), _value);
                break;
            case OpKind.Get when _options.Workload == Workload.Watch:
                await client.GetDataAsync(_plan.NextKey(worker), _watcher);
                break;
            case OpKind.Get:
                await client.GetDataAsync(_plan.NextKey(worker));
                break;
            case OpKind.FreshGet:
            {
                // Sent back to back, as the ZooKeeper idiom has it: the read waits behind the sync on the server.
                string key = _plan.NextKey(worker);
                var sync = client.SyncAsync(key);
                var read = client.GetDataAsync(key);
                await sync;
                await read;
                break;
            }
        }
    }

    /// <summary>Warm-up, then measurement until the duration, the count, the end of the failover window or Ctrl+C;
    /// prints a line every second. Returns the seconds measured.</summary>
    private async Task<(double Seconds, FailoverResult? Failover)> DriveAsync(Task workersDone)
    {
        var all = LatencyRecorder.NewHistogram();
        long runStart = Stopwatch.GetTimestamp();
        long measureStart = 0;
        bool hasWarmup = _options.Warmup > TimeSpan.Zero;
        if (!hasWarmup)
        {
            Volatile.Write(ref _phase, Measuring);
            measureStart = runStart;
            _cpuAtMeasureStart = Environment.CpuUsage.TotalTime;
            _rss.MarkStart();
            _loadAtStart = LoadReport.ReadLoadAverage();
        }

        Task<FailoverResult>? failoverTask = null;
        long lastTick = runStart;
        for (int second = 1; ; second++)
        {
            // A tick every second of the run; the last one falls exactly at the end of the measured duration.
            var wait = TimeSpan.FromSeconds(second) - Stopwatch.GetElapsedTime(runStart);
            if (IsMeasuring && _failover is null && _options.Count is null)
            {
                var untilEnd = _options.Duration - Stopwatch.GetElapsedTime(measureStart);
                wait = untilEnd < wait ? untilEnd : wait;
            }

            var stop = _stopRequested.Task;
            if (wait > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.Delay(wait), stop, failoverTask ?? Task.Delay(Timeout.Infinite));
            }

            long now = Stopwatch.GetTimestamp();
            bool measuring = IsMeasuring;
            bool stopping = stop.IsCompleted
                || (failoverTask?.IsCompleted ?? false)
                || (measuring && _failover is null && _options.Count is null && Stopwatch.GetElapsedTime(measureStart, now) >= _options.Duration - TimeSpan.FromMilliseconds(5));
            if (stopping)
            {
                Volatile.Write(ref _phase, Stopped);
                if (_options.Count is not null && measuring)
                {
                    // A count is a count: the operations still in flight were issued within it, so wait for them.
                    await workersDone;
                    now = Stopwatch.GetTimestamp();
                }
            }

            // What completed during warm-up is dropped with the interval that crosses into the measurement.
            all.Reset();
            foreach (var recorder in _recorders)
            {
                all.Add(recorder.Drain(keep: measuring));
            }

            _rss.Sample();
            _progress.Tick(measuring ? "measure" : "warmup", Stopwatch.GetElapsedTime(runStart, now), Stopwatch.GetElapsedTime(lastTick, now), all,
                Interlocked.Read(ref _errors), _rss.Pids.Count > 0 ? _rss.LastMb : null);
            lastTick = now;

            if (stopping)
            {
                _clientCpuSeconds = (Environment.CpuUsage.TotalTime - _cpuAtMeasureStart).TotalSeconds;
                _rss.MarkStop();
                _loadAtEnd = LoadReport.ReadLoadAverage();
                _progress.EndLine();
                double seconds = measuring ? Stopwatch.GetElapsedTime(measureStart, now).TotalSeconds : 0;
                if (failoverTask is { IsFaulted: true })
                {
                    await failoverTask; // no leader found, or the kill command failed: the run has no result
                }

                return (seconds, failoverTask is { IsCompletedSuccessfully: true } ? failoverTask.Result : null);
            }

            if (!measuring && Stopwatch.GetElapsedTime(runStart, now) >= _options.Warmup)
            {
                _progress.EndLine();
                Volatile.Write(ref _phase, Measuring);
                measureStart = now; // the interval drained at this tick was the warm-up's last
                _cpuAtMeasureStart = Environment.CpuUsage.TotalTime;
                _rss.MarkStart();
                _loadAtStart = LoadReport.ReadLoadAverage();
                failoverTask = _failover?.RunAsync();
            }
        }
    }

    private LoadReport Report(DateTimeOffset startedAt, double seconds, ZooKeeperClient[] clients, FailoverResult? failover)
    {
        seconds = Math.Max(seconds, 1e-9);
        var total = LatencyRecorder.NewHistogram();
        foreach (var recorder in _recorders)
        {
            total.Add(recorder.Total);
        }

        var byKind = _recorders.Where(r => r.Total.TotalCount > 0).Select(r => LatencySummary.From(r.Kind, r.Total, seconds)).ToList();
        return new LoadReport
        {
            Label = _options.Label,
            Round = _options.Round,
            Workload = LoadOptionsParser.Name(_options.Workload),
            Servers = _options.Servers,
            Connections = _options.Connections,
            InFlight = _options.InFlight,
            ValueSize = _options.ValueSize,
            Keys = _plan.Keys.Count,
            ReadPercent = _options.Workload is Workload.Mixed or Workload.Watch ? _options.ReadPercent : 0,
            WarmupSeconds = _options.Warmup.TotalSeconds,
            Seconds = Math.Round(seconds, 3),
            Throughput = Math.Round(total.TotalCount / seconds, 1),
            Latency = LatencySummary.From(byKind.Count == 1 ? byKind[0].Kind : "all", total, seconds),
            ByKind = byKind,
            Connect = _options.Workload == Workload.Sessions ? LatencySummary.From("connect", _connect.Total, Math.Max(_connectSeconds, 1e-9)) : null,
            ClientCores = Math.Round(_clientCpuSeconds / seconds, 2),
            LoadAverage = _loadAtStart is double a && _loadAtEnd is double b ? [a, b] : [],
            Errors = Interlocked.Read(ref _errors),
            ErrorsByType = new SortedDictionary<string, long>(_errorsByType),
            WatchEvents = Interlocked.Read(ref _watchEvents),
            ConnectionsPerServer = clients.GroupBy(c => c.ConnectedServer ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            ServerMemory = _rss.Result(seconds),
            Failover = failover,
            StartedAt = startedAt,
        };
    }

    /// <summary>Deletes what the run created: the create workload's znodes, the keys and the folders.</summary>
    private async Task CleanupAsync(ZooKeeperClient[] clients, Worker[] workers)
    {
        var live = clients.Where(c => c.State == ConnectionState.Connected).ToArray();
        if (live.Length == 0)
        {
            return;
        }

        var paths = new List<string>();
        foreach (var worker in workers)
        {
            for (long i = 0; i < worker.Created; i++)
            {
                paths.Add(worker.CreatePath(_options.Root, i));
            }
        }

        paths.AddRange(_plan.Keys);
        await ForEachPipelinedAsync(live, paths, _options.InFlight, DeleteIfPresentAsync);
        foreach (var folder in _plan.Folders.Reverse())
        {
            try
            {
                await live[0].DeleteAsync(folder);
            }
            catch (Exception e) when (e is NoNodeException or NotEmptyException)
            {
                // Not ours to remove: another run still uses it, or a lost reply left a node we did not count.
            }
        }
    }

    private static async Task DeleteIfPresentAsync(ZooKeeperClient client, string path)
    {
        try
        {
            await client.DeleteAsync(path);
        }
        catch (NoNodeException)
        {
        }
    }

    /// <summary>Runs <paramref name="action"/> on every item with <paramref name="perClient"/> in flight on each client.</summary>
    private static Task ForEachPipelinedAsync(
        IReadOnlyList<ZooKeeperClient> clients, IReadOnlyList<string> items, int perClient, Func<ZooKeeperClient, string, Task> action)
    {
        int next = -1;
        return Task.WhenAll(clients.SelectMany(client => Enumerable.Range(0, perClient).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
            {
                await action(client, items[i]);
            }
        })));
    }
}
