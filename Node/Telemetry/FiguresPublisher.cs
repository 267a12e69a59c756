using System.Diagnostics;
using CoordAspire.Node.Processing;
using CoordAspire.Server.Host;

namespace CoordAspire.Node.Telemetry;

/// <summary>
/// Carries a server's <see cref="ServerFigures"/> from the request loop to the observable gauges. The tree, the
/// sessions, the watches and the consensus core belong to the loop's thread, and a gauge is read on the exporter's;
/// so a gauge never reads them: it reads the last figures the loop published, and asks the loop for fresh ones,
/// which it computes between two batches. A collection thus reports what the loop saw at the previous one (one
/// export interval old at most), and the figures cost nothing while no one collects: not a dictionary is walked
/// unless an exporter or <c>dotnet-counters</c> listens, and then at most twice a second.
/// </summary>
internal sealed class FiguresPublisher(RequestLoop loop, Func<ServerFigures> read) : ILoopWork
{
    /// <summary>Refreshes no more often than this, however many gauges (or listeners) ask.</summary>
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(500);

    private static readonly Lock s_lock = new();
    private static FiguresPublisher[] s_live = [];

    private ServerFigures? _current;
    private int _refreshQueued;
    private long _lastRefreshRequest;

    /// <summary>The last figures published, or null before the loop first published any.</summary>
    public ServerFigures? Current => Volatile.Read(ref _current);

    /// <summary>
    /// The figures of every running server in this process (one, outside tests), each asked to refresh: the
    /// observable gauges' callbacks enumerate these.
    /// </summary>
    public static IEnumerable<ServerFigures> Observe()
    {
        foreach (var publisher in Volatile.Read(ref s_live))
        {
            publisher.RequestRefresh();
            if (publisher.Current is { } figures)
            {
                yield return figures;
            }
        }
    }

    /// <summary>Makes this server's figures observable, and publishes a first set.</summary>
    public void Start()
    {
        lock (s_lock)
        {
            s_live = [.. s_live, this];
        }

        RequestRefresh();
    }

    public void Stop()
    {
        lock (s_lock)
        {
            s_live = [.. s_live.Where(p => p != this)];
        }
    }

    /// <summary>On the loop.</summary>
    void ILoopWork.Run()
    {
        Volatile.Write(ref _current, read());
        Volatile.Write(ref _refreshQueued, 0);
    }

    private void RequestRefresh()
    {
        long now = Stopwatch.GetTimestamp();
        long last = Interlocked.Read(ref _lastRefreshRequest);
        if ((last != 0 && Stopwatch.GetElapsedTime(last, now) < MinRefreshInterval)
            || Interlocked.Exchange(ref _refreshQueued, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _lastRefreshRequest, now);
        if (!loop.Post(this))
        {
            Volatile.Write(ref _refreshQueued, 0);
        }
    }
}
