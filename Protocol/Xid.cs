namespace CoordAspire.Protocol;

/// <summary>Reserved xids of the client protocol (<c>ClientCnxn</c>): replies carrying them are not answers to a numbered request.</summary>
public static class Xid
{
    /// <summary>A watch notification (<c>WatcherEvent</c> follows the header).</summary>
    public const int Notification = -1;

    public const int Ping = -2;

    public const int Auth = -4;

    public const int SetWatches = -8;
}
