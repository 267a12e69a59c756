namespace CoordAspire.Database.Sessions;

/// <summary>
/// ZooKeeper's <c>ExpiryQueue</c>: items are kept in buckets of one tick. Touching an item moves it to the bucket
/// of <c>now + timeout</c> rounded up to the next tick; on each tick the whole oldest bucket expires at once. This
/// makes expiry O(1) per session and checks it only once per tick.
/// </summary>
public sealed class ExpiryQueue<T> where T : notnull
{
    private readonly Dictionary<T, long> _elemMap = [];
    private readonly SortedDictionary<long, HashSet<T>> _expiryMap = [];
    private readonly long _expirationInterval;
    private long _nextExpirationTime;

    public ExpiryQueue(long expirationInterval, long now)
    {
        _expirationInterval = expirationInterval;
        _nextExpirationTime = RoundToNextInterval(now);
    }

    public long NextExpirationTime => _nextExpirationTime;

    public int Count => _elemMap.Count;

    /// <summary>Moves <paramref name="item"/> to the bucket of <paramref name="now"/> + <paramref name="timeout"/>; returns that bucket.</summary>
    public long Update(T item, long timeout, long now)
    {
        long newExpiry = RoundToNextInterval(now + timeout);
        if (_elemMap.TryGetValue(item, out long previous))
        {
            if (previous == newExpiry)
            {
                return newExpiry;
            }

            RemoveFromBucket(item, previous);
        }

        if (!_expiryMap.TryGetValue(newExpiry, out var bucket))
        {
            bucket = [];
            _expiryMap[newExpiry] = bucket;
        }

        bucket.Add(item);
        _elemMap[item] = newExpiry;
        return newExpiry;
    }

    public void Remove(T item)
    {
        if (_elemMap.Remove(item, out long expiry))
        {
            RemoveFromBucket(item, expiry);
        }
    }

    /// <summary>Takes every item whose bucket is due at <paramref name="now"/>; empty between ticks.</summary>
    public List<T> Poll(long now)
    {
        var expired = new List<T>();
        while (now >= _nextExpirationTime)
        {
            if (_expiryMap.Remove(_nextExpirationTime, out var bucket))
            {
                foreach (var item in bucket)
                {
                    _elemMap.Remove(item);
                    expired.Add(item);
                }
            }

            _nextExpirationTime += _expirationInterval;
        }

        return expired;
    }

    private void RemoveFromBucket(T item, long expiry)
    {
        if (_expiryMap.TryGetValue(expiry, out var bucket))
        {
            bucket.Remove(item);
            if (bucket.Count == 0)
            {
                _expiryMap.Remove(expiry);
            }
        }
    }

    private long RoundToNextInterval(long time) => ((time / _expirationInterval) + 1) * _expirationInterval;
}
