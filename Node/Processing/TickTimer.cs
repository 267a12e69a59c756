namespace CoordAspire.Node.Processing;

/// <summary>
/// Posts a tick to the request loop at a fixed interval: the processor expires sessions and reaps container and TTL
/// nodes on ticks (ZooKeeper runs <c>SessionTrackerImpl</c> and <c>ContainerManager</c> as their own timer threads;
/// here they are work items like any other, so they never race a request).
/// </summary>
internal sealed class TickTimer : IAsyncDisposable
{
    private readonly RequestLoop _loop;
    private readonly PeriodicTimer _timer;
    private Task _run = Task.CompletedTask;

    public TickTimer(RequestLoop loop, TimeSpan interval, TimeProvider time)
    {
        _loop = loop;
        _timer = new PeriodicTimer(interval, time);
    }

    /// <summary>
    /// Half a tick: sessions expire on tick boundaries (<c>ExpiryQueue</c> rounds expiry times up to a multiple of
    /// tickTime), so checking twice per tick expires a session at most half a tick late.
    /// </summary>
    public static TimeSpan IntervalFor(int tickTime) => TimeSpan.FromMilliseconds(Math.Max(1, tickTime / 2));

    public void Start() => _run = RunAsync();

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _run.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            _loop.PostTick();
        }
    }
}
