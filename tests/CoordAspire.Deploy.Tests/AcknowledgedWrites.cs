using System.Collections.Concurrent;
using System.Diagnostics;
using CoordAspire.Client;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// Writers that create znodes one after another through the whole ensemble's connect string while a test breaks a
/// member, remembering each create the ensemble acknowledged and when. Afterwards every acknowledged znode must be
/// there (ZooKeeper's promise), and the longest pause between two acknowledgements is what a client saw of the fault.
/// A create that failed with ConnectionLoss is of unknown outcome: it is neither counted nor required.
/// </summary>
public sealed class AcknowledgedWrites : IAsyncDisposable
{
    private readonly ConcurrentBag<(string Path, TimeSpan At)> _acknowledged = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers = [];
    private readonly List<ZooKeeperClient> _clients = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private AcknowledgedWrites(string root) => Root = root;

    public string Root { get; }

    public IReadOnlyCollection<(string Path, TimeSpan At)> Acknowledged => _acknowledged;

    public TimeSpan Now => _clock.Elapsed;

    public static ZooKeeperClientOptions ClientOptions() => new()
    {
        SessionTimeout = TimeSpan.FromSeconds(10),
        ReconnectDelay = TimeSpan.FromMilliseconds(20),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
    };

    public static async Task<AcknowledgedWrites> StartAsync(string connectString, string root, int writers = 2)
    {
        var writes = new AcknowledgedWrites(root);
        var setup = await ZooKeeperClient.ConnectAsync(connectString, ClientOptions());
        writes._clients.Add(setup);
        await setup.CreateAsync(root);
        for (var w = 0; w < writers; w++)
        {
            var client = await ZooKeeperClient.ConnectAsync(connectString, ClientOptions());
            writes._clients.Add(client);
            var prefix = $"{root}/w{w}-";
            writes._writers.Add(Task.Run(() => writes.WriteAsync(client, prefix)));
        }

        return writes;
    }

    private async Task WriteAsync(ZooKeeperClient client, string prefix)
    {
        for (var i = 0; !_stop.IsCancellationRequested;)
        {
            var path = prefix + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                await client.CreateAsync(path, "x"u8.ToArray());
                _acknowledged.Add((path, _clock.Elapsed));
                i++;
            }
            catch (NodeExistsException)
            {
                // A retry of a create whose first try was applied but not acknowledged: ours, and there now.
                _acknowledged.Add((path, _clock.Elapsed));
                i++;
            }
            catch (KeeperException)
            {
                // ConnectionLoss while the ensemble changes: unknown outcome, so the same create is tried again.
                await Task.Delay(5);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> more writes have been acknowledged.</summary>
    public async Task WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = _acknowledged.Count + count;
        var deadline = Stopwatch.StartNew();
        while (_acknowledged.Count < target)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"only {_acknowledged.Count} of {target} writes acknowledged within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>When the first write after <paramref name="since"/> was acknowledged (a write needs a leader).</summary>
    public TimeSpan? FirstAcknowledgedAfter(TimeSpan since) =>
        _acknowledged.Select(a => a.At).Where(t => t > since).Order().Cast<TimeSpan?>().FirstOrDefault();

    /// <summary>The longest pause between two consecutive acknowledgements after <paramref name="since"/>.</summary>
    public TimeSpan LongestGapAfter(TimeSpan since)
    {
        var times = _acknowledged.Select(a => a.At).Order().ToList();
        var gap = TimeSpan.Zero;
        var previous = times.LastOrDefault(t => t <= since, since);
        foreach (var at in times.Where(t => t > since))
        {
            gap = at - previous > gap ? at - previous : gap;
            previous = at;
        }

        return gap;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    /// <summary>Every acknowledged znode that <paramref name="reader"/> (after a sync) does not see.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(ZooKeeperClient reader)
    {
        await reader.SyncAsync(Root);
        var present = (await reader.GetChildrenAsync(Root)).Select(c => Root + "/" + c).ToHashSet();
        return _acknowledged.Select(a => a.Path).Where(p => !present.Contains(p)).Order().ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _stop.Dispose();
    }
}
