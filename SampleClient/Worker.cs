using System.Text;
using CoordAspire.Client;
using CoordAspire.Client.Recipes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoordAspire.SampleClient;

/// <summary>
/// The sample's story, told in its logs: the worker registers itself for discovery, stands for leader, watches the
/// shared configuration, and, every few seconds, takes the distributed lock to bump a shared counter. The leader
/// also rewrites the configuration now and then, so every worker has a change to tell of.
/// </summary>
internal sealed partial class Worker(ZooKeeperClient zk, SampleOptions options, ILogger<Worker> logger) : BackgroundService
{
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnsurePathAsync(SampleOptions.Root, stoppingToken);
        await EnsurePathAsync(SampleOptions.ConfigPath, stoppingToken);

        await using var discovery = new ServiceDiscovery<WorkerInfo>(zk, SampleOptions.Root + "/services");
        await discovery.RegisterAsync(new ServiceInstance<WorkerInfo> { Name = "sample-worker", Id = options.Name, Payload = new WorkerInfo(Environment.MachineName, Environment.ProcessId) }, stoppingToken);
        Log.Registered(logger, options.Name, zk.SessionId);

        await using var config = new NodeCache(zk, SampleOptions.ConfigPath);
        config.Changed += (_, e) =>
        {
            // Initialized carries no node: the cache's current copy is what the worker starts from.
            var node = e.Type == CacheEventType.Initialized ? config.Current : e.Node;
            Log.ConfigChanged(logger, options.Name, e.Type.ToString(), node is null ? "(gone)" : Encoding.UTF8.GetString(node.Data), node?.Stat.Version ?? -1);
        };
        await config.StartAsync(stoppingToken);

        await using var latch = new LeaderLatch(zk, SampleOptions.Root + "/leader", options.Name);
        latch.LeadershipChanged += (_, leading) => Log.Leadership(logger, options.Name, leading ? "became the leader" : "is no longer the leader");
        await latch.StartAsync(stoppingToken);

        var counter = new DistributedCounter(zk, SampleOptions.Root + "/counter");
        var mutex = new DistributedLock(zk, SampleOptions.Root + "/lock");
        for (int round = 1; !stoppingToken.IsCancellationRequested; round++)
        {
            try
            {
                await using (await mutex.AcquireAsync(stoppingToken))
                {
                    Log.LockTaken(logger, options.Name, round);
                    var update = await counter.IncrementAsync(stoppingToken);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
                    Log.LockReleased(logger, options.Name, update.PostValue);
                }

                if (latch.HasLeadership && round % 3 == 0)
                {
                    string value = $"written by {options.Name} in round {round}";
                    await zk.SetDataAsync(SampleOptions.ConfigPath, Encoding.UTF8.GetBytes(value), cancellationToken: stoppingToken);
                }

                await Task.Delay(Round, stoppingToken);
            }
            catch (KeeperException e) when (e is ConnectionLossException)
            {
                // The client reconnects on its own with the same session; the story just goes on.
                Log.ConnectionLost(logger, options.Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task EnsurePathAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await zk.CreateAsync(path, cancellationToken: cancellationToken);
        }
        catch (NodeExistsException)
        {
            // Another worker made it first: that is the point of sharing it.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Worker} joined: registered for discovery with session 0x{SessionId:x}")]
        public static partial void Registered(ILogger logger, string worker, long sessionId);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Worker} {What}")]
        public static partial void Leadership(ILogger logger, string worker, string what);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Worker} sees the config {Change}: \"{Value}\" (version {Version})")]
        public static partial void ConfigChanged(ILogger logger, string worker, string change, string value, int version);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Worker} holds the lock (round {Round}); nobody else does")]
        public static partial void LockTaken(ILogger logger, string worker, int round);

        [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{Worker} released the lock; the shared counter is now {Counter}")]
        public static partial void LockReleased(ILogger logger, string worker, long counter);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Worker} lost its connection ({Reason}); reconnecting with the same session")]
        public static partial void ConnectionLost(ILogger logger, string worker, string reason);
    }
}

/// <summary>What a worker publishes about itself in the registry.</summary>
public sealed record WorkerInfo(string Host, int ProcessId);
