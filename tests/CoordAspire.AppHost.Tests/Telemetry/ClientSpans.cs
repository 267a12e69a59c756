using System.Collections.Concurrent;
using System.Diagnostics;
using CoordAspire.Client;

namespace CoordAspire.AppHost.Tests.Telemetry;

/// <summary>The client library's spans in this test process, for a test that follows its own write's trace.</summary>
public sealed class ClientSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    private ClientSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClientTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static ClientSpans Listen() => new();

    /// <summary>The one finished span whose <c>zookeeper.path</c> is <paramref name="path"/>.</summary>
    public Activity Single(string path) =>
        _spans.Single(a => (a.GetTagItem("zookeeper.path") as string) == path);

    public void Dispose() => _listener.Dispose();
}
