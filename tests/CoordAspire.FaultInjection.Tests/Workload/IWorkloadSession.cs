namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>
/// What the workload asks of one ZooKeeper session. Behind it is a real client session; the planted faults of the
/// harness's own tests wrap it to show that the checks catch a broken client or server.
/// </summary>
public interface IWorkloadSession : IAsyncDisposable
{
    /// <summary>The client library's session id (0 before it has one).</summary>
    long SessionId { get; }

    /// <summary>The server the session is connected to ("host:port"), when it is.</summary>
    string? Server { get; }

    /// <summary><c>sync</c> and <c>getData</c> pipelined (ZooKeeper's idiom for a read that sees every write
    /// completed before it): the register's value and version.</summary>
    Task<(long Value, int Version)> ReadAsync(string path);

    /// <summary><c>setData</c> with <paramref name="expectedVersion"/> (-1: any): the version it made.</summary>
    Task<int> WriteAsync(string path, long value, int expectedVersion);

    /// <summary><c>create</c> of a persistent node (an element of the set).</summary>
    Task AddAsync(string path);

    /// <summary>Waits, up to <paramref name="timeout"/>, for the session to be connected.</summary>
    Task WaitUntilConnectedAsync(TimeSpan timeout);
}
