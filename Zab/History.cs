namespace CoordAspire.Zab;

/// <summary>
/// The peer's log as the core keeps it in memory: the last <see cref="ZabConfig.CommittedLogWindow"/> applied
/// entries (ZKDatabase.committedLog, what lets a leader sync a learner by DIFF) followed by every entry not yet
/// applied. <see cref="BaseZxid"/> is the zxid just before the first entry kept: 0 at genesis, the snapshot zxid
/// after a SNAP, or the last entry trimmed from the window.
/// </summary>
internal sealed class History
{
    private readonly List<Txn> _entries = [];

    public History(long baseZxid, IEnumerable<Txn> entries)
    {
        BaseZxid = baseZxid;
        foreach (var txn in entries)
        {
            Append(txn);
        }
    }

    public long BaseZxid { get; private set; }

    /// <summary>The last logged zxid (lastLoggedZxid): the last entry, or the base when none is kept.</summary>
    public long LastZxid => _entries.Count > 0 ? _entries[^1].Zxid : BaseZxid;

    public int Count => _entries.Count;

    public Txn this[int index] => _entries[index];

    /// <summary>True when the log holds exactly this zxid (the base counts: the log is known to end there).</summary>
    public bool Contains(long zxid) => zxid == BaseZxid || IndexOf(zxid) >= 0;

    public int IndexOf(long zxid)
    {
        int i = FirstIndexAfter(zxid - 1);
        return i < _entries.Count && _entries[i].Zxid == zxid ? i : -1;
    }

    /// <summary>The index of the first entry with a zxid greater than <paramref name="zxid"/> (Count if none).</summary>
    public int FirstIndexAfter(long zxid)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_entries[mid].Zxid <= zxid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The last entry of <paramref name="epoch"/> below <paramref name="zxid"/>, or -1.</summary>
    public long LastInEpochBefore(long epoch, long zxid)
    {
        for (int i = FirstIndexAfter(zxid - 1) - 1; i >= 0; i--)
        {
            long e = Zxid.EpochOf(_entries[i].Zxid);
            if (e == epoch)
            {
                return _entries[i].Zxid;
            }

            if (e < epoch)
            {
                break;
            }
        }

        return -1;
    }

    public void Append(Txn txn)
    {
        if (txn.Zxid <= LastZxid)
        {
            throw new InvalidOperationException(
                $"Log order: {Zxid.ToHex(txn.Zxid)} appended after {Zxid.ToHex(LastZxid)}.");
        }

        _entries.Add(txn);
    }

    /// <summary>Drops every entry after <paramref name="zxid"/> (TRUNC).</summary>
    public void TruncateAfter(long zxid)
    {
        int keep = FirstIndexAfter(zxid);
        _entries.RemoveRange(keep, _entries.Count - keep);
    }

    /// <summary>Forgets everything: the log now ends at a snapshot of <paramref name="zxid"/> (SNAP).</summary>
    public void Reset(long zxid)
    {
        _entries.Clear();
        BaseZxid = zxid;
    }

    /// <summary>Keeps at most <paramref name="window"/> applied entries; trims in batches to stay cheap.</summary>
    public void TrimApplied(long appliedZxid, int window)
    {
        int applied = FirstIndexAfter(appliedZxid);
        int excess = applied - window;
        if (excess > 0 && excess >= Math.Max(1, window / 8))
        {
            BaseZxid = _entries[excess - 1].Zxid;
            _entries.RemoveRange(0, excess);
        }
    }
}
