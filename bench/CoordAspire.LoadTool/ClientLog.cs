using Microsoft.Extensions.Logging;

namespace CoordAspire.LoadTool;

/// <summary>
/// The client library's own log (connections lost and why, sessions established, expired) on standard error, for
/// --client-log: the one way to see why a connection moved to another server during a run.
/// </summary>
internal sealed class ClientLog(ProgressPrinter progress, LogLevel minimum) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            progress.Note($"client {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
