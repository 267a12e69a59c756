using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CoordAspire.Client.Tests;

/// <summary>Spans and metrics for OpenTelemetry, through System.Diagnostics only.</summary>
public abstract class TelemetryTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Each_request_is_a_span_with_database_tags_and_a_duration()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClientTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("zookeeper.path") is string path && path.StartsWith(Root, StringComparison.Ordinal))
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var durations = new List<(double Seconds, string? Operation, string? Error)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ClientTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? operation = null, error = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "db.operation.name")
                {
                    operation = tag.Value as string;
                }
                else if (tag.Key == "error.type")
                {
                    error = tag.Value as string;
                }
            }

            lock (durations)
            {
                durations.Add((value, operation, error));
            }
        });
        meterListener.Start();

        await Client.CreateAsync(P("t"));
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.GetDataAsync(P("missing")));

        lock (spans)
        {
            var create = Assert.Single(spans, s => s.DisplayName == "zookeeper create");
            Assert.Equal(ActivityKind.Client, create.Kind);
            Assert.Equal("zookeeper", create.GetTagItem("db.system"));
            Assert.Equal("create", create.GetTagItem("db.operation.name"));
            Assert.Equal(P("t"), create.GetTagItem("zookeeper.path"));
            Assert.IsType<int>(create.GetTagItem("zookeeper.xid"));
            Assert.Equal(ActivityStatusCode.Unset, create.Status);

            var failed = Assert.Single(spans, s => s.DisplayName == "zookeeper getData");
            Assert.Equal("NoNode", failed.GetTagItem("error.type"));
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
        }

        lock (durations)
        {
            Assert.Contains(durations, d => d.Operation == "create" && d.Error is null && d.Seconds > 0);
            Assert.Contains(durations, d => d.Operation == "getData" && d.Error == "NoNode");
        }

        meterListener.RecordObservableInstruments();
    }

    [Fact]
    public void Operation_names_are_zookeepers()
    {
        Assert.Equal("getData", ClientTelemetry.OperationName(Protocol.OpCode.GetData));
        Assert.Equal("createTTL", ClientTelemetry.OperationName(Protocol.OpCode.CreateTtl));
        Assert.Equal("getACL", ClientTelemetry.OperationName(Protocol.OpCode.GetAcl));
        Assert.Equal("setWatches2", ClientTelemetry.OperationName(Protocol.OpCode.SetWatches2));
    }

    [Fact]
    public async Task A_span_is_a_child_of_the_callers_activity_without_becoming_current()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ClientTelemetry.Name or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == ClientTelemetry.Name && activity.GetTagItem("zookeeper.path") is string path && path.StartsWith(Root, StringComparison.Ordinal))
                {
                    lock (stopped)
                    {
                        stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        using var parent = source.StartActivity("caller");
        Assert.NotNull(parent);

        var pending = Client.CreateAsync(P("a"));
        Assert.Same(parent, Activity.Current);
        await pending;
        await Client.ExistsAsync(P("a"));
        Assert.Same(parent, Activity.Current);

        lock (stopped)
        {
            Assert.Equal(2, stopped.Count);
            Assert.All(stopped, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
        }
    }
}
