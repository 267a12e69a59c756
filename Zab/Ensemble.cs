namespace CoordAspire.Zab;

/// <summary>
/// Who takes part: the voting members (participants) and the observers, with majority quorums (QuorumMaj).
/// Observers receive committed transactions but never vote, never acknowledge and never count towards a quorum.
/// </summary>
public sealed class Ensemble
{
    private readonly HashSet<long> _voters;
    private readonly HashSet<long> _observers;

    public Ensemble(IEnumerable<long> voters, IEnumerable<long>? observers = null)
    {
        Voters = voters.Distinct().Order().ToArray();
        Observers = (observers ?? []).Distinct().Order().ToArray();
        _voters = [.. Voters];
        _observers = [.. Observers];
        if (Voters.Count == 0)
        {
            throw new ArgumentException("An ensemble needs at least one voting member.", nameof(voters));
        }

        if (_voters.Overlaps(_observers))
        {
            throw new ArgumentException("A server is either a participant or an observer, not both.", nameof(observers));
        }
    }

    public IReadOnlyList<long> Voters { get; }

    public IReadOnlyList<long> Observers { get; }

    /// <summary>Every server, voters first, each in id order.</summary>
    public IEnumerable<long> All => Voters.Concat(Observers);

    public bool IsVoter(long sid) => _voters.Contains(sid);

    public bool IsObserver(long sid) => _observers.Contains(sid);

    public bool Contains(long sid) => IsVoter(sid) || IsObserver(sid);

    /// <summary>QuorumMaj.containsQuorum: more than half of the voters are in the set (non-voters are ignored).</summary>
    public bool ContainsQuorum(IEnumerable<long> sids)
    {
        int count = 0;
        foreach (var sid in sids)
        {
            if (_voters.Contains(sid))
            {
                count++;
            }
        }

        return 2 * count > _voters.Count;
    }
}
