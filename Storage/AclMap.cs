using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Storage;

/// <summary>
/// A snapshot names each node's ACL by a long (<c>ReferenceCountedACLCache</c>): the snapshot carries a map of
/// id → ACL list, and each node only its id. Id -1 is <c>OPEN_ACL_UNSAFE</c> without a map entry. The tree keeps
/// ACL lists on the nodes, so ids exist only in files: this assigns them while a snapshot is written (the same
/// list content always gets the same id, counting up from 1 as ZooKeeper's <c>aclIndex</c> does) and resolves
/// them while one is read.
/// </summary>
/// <remarks>
/// Serialized form (<c>ReferenceCountedACLCache.serialize</c>):
/// <code>
/// int  count
/// count × { long id; int n; n × ACL { int perms; string scheme; string id } }
/// </code>
/// </remarks>
public sealed class AclMap
{
    /// <summary><c>ReferenceCountedACLCache.OPEN_UNSAFE_ACL_ID</c>.</summary>
    public const long OpenUnsafeAclId = -1;

    private readonly Dictionary<IReadOnlyList<Acl>, long> _ids = new(AclListComparer.Instance);
    private readonly Dictionary<long, IReadOnlyList<Acl>> _lists = [];
    private long _lastId;

    public int Count => _lists.Count;

    public IReadOnlyDictionary<long, IReadOnlyList<Acl>> Entries => _lists;

    /// <summary>The id of an ACL list, assigning the next one to a list not seen before (<c>convertAcls</c>).</summary>
    public long IdOf(IReadOnlyList<Acl> acl)
    {
        if (AclListComparer.Instance.Equals(acl, Acls.OpenAclUnsafe))
        {
            return OpenUnsafeAclId;
        }

        if (_ids.TryGetValue(acl, out long id))
        {
            return id;
        }

        // A private copy: the map must not change if the node's list is replaced or reused afterwards.
        var copy = acl.ToArray();
        id = ++_lastId;
        _ids[copy] = id;
        _lists[id] = copy;
        return id;
    }

    /// <summary>The ACL list of an id (<c>convertLong</c>); null when the map has no such id.</summary>
    public IReadOnlyList<Acl>? ListOf(long id) =>
        id == OpenUnsafeAclId ? Acls.OpenAclUnsafe : _lists.GetValueOrDefault(id);

    /// <summary>Adds an entry read from a snapshot (<c>ReferenceCountedACLCache.deserialize</c>).</summary>
    public void Add(long id, IReadOnlyList<Acl> acl)
    {
        _lists[id] = acl;
        _ids.TryAdd(acl, id);
        _lastId = Math.Max(_lastId, id);
    }

    public void Write(in JuteWriter writer)
    {
        writer.WriteInt(_lists.Count);
        foreach (var (id, list) in _lists)
        {
            writer.WriteLong(id);
            Acl.WriteList(writer, list);
        }
    }

    internal static AclMap Read(JuteFileReader input)
    {
        var map = new AclMap();
        int count = input.ReadInt();
        if (count < 0 || count > input.RemainingInFile / 12)
        {
            throw new InvalidDataException($"ACL map count {count} is impossible with {input.RemainingInFile} bytes left");
        }

        for (int i = 0; i < count; i++)
        {
            long id = input.ReadLong();
            int n = input.ReadInt();
            if (n < 0 || n > input.RemainingInFile / 12)
            {
                throw new InvalidDataException($"Incorrect format of the snapshot's ACL map: ACL {id} has {n} entries");
            }

            var list = new Acl[n];
            for (int j = 0; j < n; j++)
            {
                var perms = (CoordAspire.Protocol.Perms)input.ReadInt();
                var scheme = input.ReadString() ?? "";
                var ident = input.ReadString() ?? "";
                list[j] = new Acl(perms, new Id(scheme, ident));
            }

            map.Add(id, list);
        }

        return map;
    }
}

/// <summary>ACL lists compared by content, in order (Java's <c>List.equals</c>, which keys ZooKeeper's ACL cache).</summary>
public sealed class AclListComparer : IEqualityComparer<IReadOnlyList<Acl>>
{
    public static AclListComparer Instance { get; } = new();

    public bool Equals(IReadOnlyList<Acl>? x, IReadOnlyList<Acl>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }

        for (int i = 0; i < x.Count; i++)
        {
            if (x[i] != y[i])
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(IReadOnlyList<Acl> obj)
    {
        var hash = default(HashCode);
        for (int i = 0; i < obj.Count; i++)
        {
            hash.Add(obj[i]);
        }

        return hash.ToHashCode();
    }
}
