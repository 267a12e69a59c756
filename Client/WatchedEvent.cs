using CoordAspire.Protocol;

namespace CoordAspire.Client;

/// <summary>
/// What a watch saw: a change of a znode (<see cref="Type"/> other than <see cref="EventType.None"/>, with the
/// znode's <see cref="Path"/> as the client sees it, chroot removed) or a change of the connection
/// (<see cref="EventType.None"/>, <see cref="State"/> Disconnected, SyncConnected, Expired, AuthFailed or Closed, no path).
/// </summary>
public readonly record struct WatchedEvent(EventType Type, KeeperState State, string? Path)
{
    /// <summary>The zxid the server stamped on the notification, or -1 for events raised by the client itself.</summary>
    public long Zxid { get; init; } = -1;

    public override string ToString() => $"WatchedEvent state:{State} type:{Type} path:{Path} zxid:{Zxid}";
}
