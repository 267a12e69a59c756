namespace CoordAspire.Database.Sessions;

/// <summary>A client session: its id, negotiated timeout and the expiry bucket it currently sits in.</summary>
public sealed class Session(long id, int timeout)
{
    public long Id { get; } = id;

    public int Timeout { get; internal set; } = timeout;

    /// <summary>The bucket (elapsed ms) at whose tick the session expires unless touched again.</summary>
    public long ExpiresAt { get; internal set; }

    /// <summary>Set once a close is under way (client closed, or expired): it accepts no more requests.</summary>
    public bool IsClosing { get; internal set; }
}
