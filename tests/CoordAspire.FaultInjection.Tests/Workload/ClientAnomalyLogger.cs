using Microsoft.Extensions.Logging;

namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>
/// Listens to the client library's own log for what it sees and a workload cannot: a reply out of order (the
/// client drops the connection, so the workload only sees ConnectionLoss), or its connection loop failing (a crash
/// of the library). Both become anomalies of the history.
/// </summary>
public sealed class ClientAnomalyLogger(History history) : ILoggerFactory, ILogger
{
    /// <summary>The client's <c>ReplyOutOfOrder</c> and <c>SessionLoopFailed</c> events (Client/Telemetry/Log.cs).</summary>
    private const int ReplyOutOfOrder = 313;
    private const int SessionLoopFailed = 312;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the anomaly logger is its own only sink");

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id is ReplyOutOfOrder or SessionLoopFailed || logLevel >= LogLevel.Error)
        {
            history.Anomaly($"client: {formatter(state, exception)}{(exception is null ? "" : ": " + exception)}");
        }
    }

    public void Dispose()
    {
    }
}
