using System.Security.Cryptography;

namespace CoordAspire.Database.Sessions;

/// <summary>
/// Sessions and their expiry (<c>SessionTrackerImpl</c>). Session ids carry the server id in their top byte, so
/// ids made by different servers never collide; a session's password is derived from its id, so any server can
/// check a reconnecting client's password without having been told it.
/// </summary>
public sealed class SessionTracker
{
    /// <summary>ZooKeeper's <c>superSecret</c>, mixed into the password seed.</summary>
    private const long SuperSecret = 0xB3415C00L;

    private readonly Dictionary<long, Session> _sessions = [];
    private readonly ExpiryQueue<Session> _expiry;
    private readonly int _tickTime;
    private long _nextSessionId;

    public SessionTracker(long serverId, int tickTime, long nowElapsed)
    {
        _tickTime = tickTime;
        _expiry = new ExpiryQueue<Session>(tickTime, nowElapsed);
        _nextSessionId = InitializeNextSessionId(nowElapsed, serverId);
    }

    public int Count => _sessions.Count;

    public IReadOnlyCollection<Session> All => _sessions.Values;

    public int TickTime => _tickTime;

    /// <summary><c>SessionTrackerImpl.initializeNextSessionId</c>: the elapsed clock in the middle bits, the server id on top.</summary>
    public static long InitializeNextSessionId(long nowElapsed, long serverId)
    {
        long next = (long)((ulong)(nowElapsed << 24) >> 8);
        next |= serverId << 56;
        if (next == Tree.EphemeralOwner.Container)
        {
            ++next;
        }

        return next;
    }

    /// <summary><c>ZooKeeperServer.generatePasswd</c>: 16 bytes from Java's Random seeded with the id.</summary>
    public static byte[] GeneratePassword(long sessionId)
    {
        var random = new JavaRandom(sessionId ^ SuperSecret);
        var password = new byte[16];
        random.NextBytes(password);
        return password;
    }

    public static bool CheckPassword(long sessionId, ReadOnlySpan<byte> password) =>
        sessionId != 0 && CryptographicOperations.FixedTimeEquals(password, GeneratePassword(sessionId));

    /// <summary>Allocates the next session id; the session exists once its createSession transaction is applied.</summary>
    public long NextSessionId()
    {
        long id = _nextSessionId++;
        if (id == Tree.EphemeralOwner.Container)
        {
            id = _nextSessionId++;
        }

        return id;
    }

    public Session? Get(long sessionId) => _sessions.GetValueOrDefault(sessionId);

    /// <summary>Starts tracking a session (creation, or loading from a snapshot); a tracked one is left as it is.</summary>
    public Session TrackSession(long sessionId, int timeout, long now)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            session = new Session(sessionId, timeout);
            _sessions[sessionId] = session;
        }

        session.ExpiresAt = _expiry.Update(session, session.Timeout, now);
        return session;
    }

    /// <summary>Extends a live session's life; false if it is unknown or closing (the client must be told it expired).</summary>
    public bool TouchSession(long sessionId, long now, int? newTimeout = null)
    {
        if (!_sessions.TryGetValue(sessionId, out var session) || session.IsClosing)
        {
            return false;
        }

        if (newTimeout is int timeout)
        {
            session.Timeout = timeout;
        }

        session.ExpiresAt = _expiry.Update(session, session.Timeout, now);
        return true;
    }

    /// <summary>Whether a request from this session may proceed (<c>checkSession</c>).</summary>
    public bool IsLive(long sessionId) => _sessions.TryGetValue(sessionId, out var session) && !session.IsClosing;

    public void SetSessionClosing(long sessionId)
    {
        if (_sessions.TryGetValue(sessionId, out var session))
        {
            session.IsClosing = true;
        }
    }

    /// <summary>Forgets every session (a learner's state replaced by its leader's snapshot).</summary>
    public void Clear()
    {
        foreach (var session in _sessions.Values)
        {
            _expiry.Remove(session);
        }

        _sessions.Clear();
    }

    public void RemoveSession(long sessionId)
    {
        if (_sessions.Remove(sessionId, out var session))
        {
            _expiry.Remove(session);
        }
    }

    /// <summary>Sessions whose time ran out by <paramref name="now"/>; they are marked closing and must be closed by a transaction.</summary>
    public List<Session> PollExpired(long now)
    {
        var expired = _expiry.Poll(now);
        foreach (var session in expired)
        {
            session.IsClosing = true;
        }

        return expired;
    }
}
