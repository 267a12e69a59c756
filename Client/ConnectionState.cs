namespace CoordAspire.Client;

/// <summary>
/// Where a <see cref="ZooKeeperClient"/>'s session stands. <see cref="Expired"/>, <see cref="AuthFailed"/> and
/// <see cref="Closed"/> are terminal: the client is then unusable and every request fails (as Java's
/// <c>ZooKeeper.States</c> stop being alive).
/// </summary>
public enum ConnectionState
{
    /// <summary>Not connected yet, or the connection was lost and the client is trying the servers again.
    /// The session may still be alive: requests sent now wait for the next connection.</summary>
    Disconnected,

    /// <summary>Connected to a server with a live session (<c>KeeperState.SyncConnected</c>).</summary>
    Connected,

    /// <summary>A server said the session no longer exists; its ephemerals and watches are gone.</summary>
    Expired,

    /// <summary>A server refused the credentials given to <see cref="ZooKeeperClient.AddAuthAsync"/>.</summary>
    AuthFailed,

    /// <summary>The client was closed (<see cref="ZooKeeperClient.CloseAsync"/>).</summary>
    Closed,

    /// <summary>
    /// Connected to a server that has lost its quorum and serves read-only (<c>KeeperState.ConnectedReadOnly</c>):
    /// reads answer from what it had when it lost the quorum, every change fails with NOTREADONLY. Only a client
    /// with <see cref="ZooKeeperClientOptions.CanBeReadOnly"/> gets here; it keeps looking for a read-write server
    /// and moves to the first it finds (with a new session, as Java's client does).
    /// </summary>
    ConnectedReadOnly,
}

public static class ConnectionStateExtensions
{
    public static bool IsTerminal(this ConnectionState state) =>
        state is ConnectionState.Expired or ConnectionState.AuthFailed or ConnectionState.Closed;

    /// <summary>Connected to a server, read-write or read-only (Java's <c>States.isConnected</c>).</summary>
    public static bool IsConnected(this ConnectionState state) =>
        state is ConnectionState.Connected or ConnectionState.ConnectedReadOnly;
}

/// <summary>A change of <see cref="ZooKeeperClient.State"/>, raised on the client's event dispatcher in order with watch events.</summary>
public sealed class ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current) : EventArgs
{
    public ConnectionState Previous { get; } = previous;

    public ConnectionState Current { get; } = current;

    public override string ToString() => $"{Previous} -> {Current}";
}
