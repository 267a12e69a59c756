using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoordAspire.AppHost.Tests.Telemetry;

/// <summary>A span as a node exported it: who (service.name), from which ActivitySource, and what.</summary>
public sealed record ReceivedSpan(
    string Service, string Scope, string Name, string TraceId, string SpanId, string ParentSpanId,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Events);

/// <summary>A metric as a node exported it, with its data points.</summary>
public sealed record ReceivedMetric(string Service, string Scope, string Name, IReadOnlyList<ReceivedPoint> Points);

/// <summary>
/// One data point: a gauge's or sum's value (cumulative, as the OTLP exporter sends sums by default), or a
/// histogram's count of recordings.
/// </summary>
public sealed record ReceivedPoint(IReadOnlyDictionary<string, string> Attributes, double Value);

/// <summary>A log record as a node exported it: its logger (the scope), its text and its structured fields.</summary>
public sealed record ReceivedLog(string Service, string Category, string Body, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A real OTLP/HTTP receiver (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>, protobuf bodies) on a
/// loopback port, in place of the dashboard: the nodes' own OpenTelemetry SDK exports to it over the wire with
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>, so what the tests see is what the dashboard would be sent.
/// It keeps what the tests ask about (span names, attributes and events; metric names and data points; log records'
/// text and fields) and answers every export with an empty <c>Export…ServiceResponse</c>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedMetric> _metrics = new();
    private readonly ConcurrentQueue<ReceivedLog> _logs = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL to give as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public IReadOnlyCollection<ReceivedMetric> Metrics => _metrics;

    public IReadOnlyCollection<ReceivedLog> Logs => _logs;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) => await ReceiveAsync(request, receiver.ReadTraces));
        app.MapPost("/v1/metrics", async (HttpRequest request) => await ReceiveAsync(request, receiver.ReadMetrics));
        app.MapPost("/v1/logs", async (HttpRequest request) => await ReceiveAsync(request, receiver.ReadLogs));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until a span matching <paramref name="predicate"/> has arrived, and returns it.</summary>
    public Task<ReceivedSpan> WaitForSpanAsync(Func<ReceivedSpan, bool> predicate, TimeSpan timeout) =>
        WaitForAsync(() => _spans.FirstOrDefault(predicate), timeout, "span");

    /// <summary>Waits until a metric matching <paramref name="predicate"/> has arrived, and returns it.</summary>
    public Task<ReceivedMetric> WaitForMetricAsync(Func<ReceivedMetric, bool> predicate, TimeSpan timeout) =>
        WaitForAsync(() => _metrics.FirstOrDefault(predicate), timeout, "metric");

    /// <summary>Waits until a log record matching <paramref name="predicate"/> has arrived, and returns it.</summary>
    public Task<ReceivedLog> WaitForLogAsync(Func<ReceivedLog, bool> predicate, TimeSpan timeout) =>
        WaitForAsync(() => _logs.FirstOrDefault(predicate), timeout, "log record");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<T> WaitForAsync<T>(Func<T?> find, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join(", ", _spans.Select(s => $"{s.Service}/{s.Name}").Distinct().Take(40));
                var metrics = string.Join(", ", _metrics.Select(m => $"{m.Service}/{m.Name}").Distinct().Take(40));
                throw new TimeoutException($"no matching {what} within {timeout}; spans seen: [{seen}]; metrics seen: [{metrics}]");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, Action<byte[]> read)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        read(body.ToArray());
        return Results.Bytes([], "application/x-protobuf");
    }

    // opentelemetry-proto: ExportTraceServiceRequest { ResourceSpans resource_spans = 1 }
    //   ResourceSpans { Resource resource = 1; ScopeSpans scope_spans = 2 }   Resource { KeyValue attributes = 1 }
    //   ScopeSpans { InstrumentationScope scope = 1; Span spans = 2 }         InstrumentationScope { string name = 1 }
    //   Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
    //          KeyValue attributes = 9; Event events = 11 }                    Event { string name = 2 }
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Protobuf.Messages(request, 1))
        {
            var service = ServiceName(resourceSpans);
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                var scope = Protobuf.String(Protobuf.Messages(scopeSpans, 1).FirstOrDefault(), 1);
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    _spans.Enqueue(new ReceivedSpan(
                        service,
                        scope,
                        Protobuf.String(span, 5),
                        Protobuf.Hex(span, 1),
                        Protobuf.Hex(span, 2),
                        Protobuf.Hex(span, 4),
                        Protobuf.Attributes(span, 9),
                        [.. Protobuf.Messages(span, 11).Select(e => Protobuf.String(e, 2))]));
                }
            }
        }
    }

    // ExportMetricsServiceRequest { ResourceMetrics resource_metrics = 1 }
    //   ResourceMetrics { Resource resource = 1; ScopeMetrics scope_metrics = 2 }
    //   ScopeMetrics { InstrumentationScope scope = 1; Metric metrics = 2 }
    //   Metric { string name = 1; Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9 }
    //   Gauge, Sum, Histogram { repeated …DataPoint data_points = 1 }
    //   NumberDataPoint { double as_double = 4; sfixed64 as_int = 6; KeyValue attributes = 7 }
    //   HistogramDataPoint { fixed64 count = 4; KeyValue attributes = 9 }
    private void ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Protobuf.Messages(request, 1))
        {
            var service = ServiceName(resourceMetrics);
            foreach (var scopeMetrics in Protobuf.Messages(resourceMetrics, 2))
            {
                var scope = Protobuf.String(Protobuf.Messages(scopeMetrics, 1).FirstOrDefault(), 1);
                foreach (var metric in Protobuf.Messages(scopeMetrics, 2))
                {
                    _metrics.Enqueue(new ReceivedMetric(service, scope, Protobuf.String(metric, 1), Points(metric)));
                }
            }
        }
    }

    private static List<ReceivedPoint> Points(byte[] metric)
    {
        var points = new List<ReceivedPoint>();
        foreach (var numbers in Protobuf.Messages(metric, 5).Concat(Protobuf.Messages(metric, 7)))
        {
            foreach (var point in Protobuf.Messages(numbers, 1))
            {
                double value = Protobuf.Fixed64Field(point, 4) is { } asDouble
                    ? BitConverter.UInt64BitsToDouble(asDouble)
                    : (long)(Protobuf.Fixed64Field(point, 6) ?? 0);
                points.Add(new ReceivedPoint(Protobuf.Attributes(point, 7), value));
            }
        }

        foreach (var histogram in Protobuf.Messages(metric, 9))
        {
            foreach (var point in Protobuf.Messages(histogram, 1))
            {
                points.Add(new ReceivedPoint(Protobuf.Attributes(point, 9), Protobuf.Fixed64Field(point, 4) ?? 0));
            }
        }

        return points;
    }

    // ExportLogsServiceRequest { ResourceLogs resource_logs = 1 }
    //   ResourceLogs { Resource resource = 1; ScopeLogs scope_logs = 2 }
    //   ScopeLogs { InstrumentationScope scope = 1; LogRecord log_records = 2 }
    //   LogRecord { AnyValue body = 5; KeyValue attributes = 6 }
    private void ReadLogs(byte[] request)
    {
        foreach (var resourceLogs in Protobuf.Messages(request, 1))
        {
            var service = ServiceName(resourceLogs);
            foreach (var scopeLogs in Protobuf.Messages(resourceLogs, 2))
            {
                var scope = Protobuf.String(Protobuf.Messages(scopeLogs, 1).FirstOrDefault(), 1);
                foreach (var record in Protobuf.Messages(scopeLogs, 2))
                {
                    _logs.Enqueue(new ReceivedLog(
                        service, scope, Protobuf.AnyValueText(Protobuf.Messages(record, 5).FirstOrDefault()), Protobuf.Attributes(record, 6)));
                }
            }
        }
    }

    private static string ServiceName(byte[] resourceSomething) =>
        Protobuf.Attributes(Protobuf.Messages(resourceSomething, 1).FirstOrDefault() ?? [], 1).GetValueOrDefault("service.name", "");
}
