using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tree;

// What the storage layer needs from the tree to load a snapshot node by node (DataTree.deserialize), and a
// parent-before-child walk in ZooKeeper's own order (DataTree.serializeNode). The snapshot format itself lives in
// CoordAspire.Storage; here is only the tree's side of it. Writing a snapshot takes DataTree.Snapshot.cs instead.
public sealed partial class DataTree
{
    /// <summary>
    /// Empties the tree, root included, before a snapshot is loaded into it (ZooKeeper's deserialize clears its
    /// node map the same way). The snapshot brings its own root and system nodes back. Watches are left alone:
    /// a tree is restored before any client could have set one.
    /// </summary>
    public void ClearForRestore()
    {
        _nodes.Clear();
        _ephemerals.Clear();
        _containers.Clear();
        _ttls.Clear();
        LastProcessedZxid = 0;
    }

    /// <summary>
    /// Adds one node read from a snapshot, with its stored stat exactly as written (the stored cversion, not the
    /// one clients see). The root comes first (ZooKeeper writes it under the path ""); any other node's parent must
    /// already be present, and the node joins its parent's children and the ephemeral, container or TTL index its
    /// <c>ephemeralOwner</c> puts it in, as <c>DataTree.deserialize</c> does.
    /// </summary>
    /// <exception cref="InvalidDataException">The parent is missing, the path is already present or not absolute.</exception>
    public DataNode RestoreNode(string path, byte[]? data, IReadOnlyList<Acl> acl, in StatPersisted stat)
    {
        if (path.Length == 0)
        {
            path = Root;
        }

        var node = new DataNode(data, acl, stat.Czxid, stat.Ctime, stat.EphemeralOwner)
        {
            Mzxid = stat.Mzxid,
            Mtime = stat.Mtime,
            Version = stat.Version,
            Cversion = stat.Cversion,
            Aversion = stat.Aversion,
            Pzxid = stat.Pzxid,
        };

        // One lookup to add, and the parent looked up by a slice of the path rather than a new string: a 1M-znode
        // restore made two lookups and one parent string per znode.
        if (!_nodes.TryAdd(path, node))
        {
            throw new InvalidDataException($"Invalid Datatree, {path} appears twice");
        }

        if (path != Root)
        {
            int slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                _nodes.Remove(path);
                throw new InvalidDataException($"Invalid Datatree, {path} is not an absolute path");
            }

            var parentPath = slash == 0 ? Root.AsSpan() : path.AsSpan(0, slash);
            if (!_nodes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(parentPath, out var parent))
            {
                _nodes.Remove(path);
                throw new InvalidDataException($"Invalid Datatree, unable to find parent {parentPath} of path {path}");
            }

            parent.AddChild(ZnodePath.Name(path));
            long owner = stat.EphemeralOwner;
            switch (EphemeralOwner.TypeOf(owner, ExtendedTypesEnabled))
            {
                case EphemeralType.Container:
                    node.HidesOwner = true;
                    _containers.Add(path);
                    break;
                case EphemeralType.Ttl:
                    node.HidesOwner = true;
                    _ttls.Add(path);
                    break;
                case EphemeralType.Normal:
                    if (!_ephemerals.TryGetValue(owner, out var owned))
                    {
                        owned = new HashSet<string>(StringComparer.Ordinal);
                        _ephemerals[owner] = owned;
                    }

                    owned.Add(path);
                    break;
            }
        }

        return node;
    }

    /// <summary>
    /// Every path, each parent before its children (a depth-first walk from the root, children in ordinal order so
    /// that the same tree always gives the same list), on the thread that applies transactions. Snapshots no
    /// longer use it (it builds a string per znode; see <see cref="CopyNodesTo"/>); it stays for tools that want a
    /// stable listing.
    /// </summary>
    public List<string> PathsParentFirst()
    {
        var paths = new List<string>(_nodes.Count);
        if (!_nodes.ContainsKey(Root))
        {
            return paths;
        }

        var stack = new Stack<string>();
        stack.Push(Root);
        var children = new List<string>();
        while (stack.TryPop(out var path))
        {
            if (!_nodes.TryGetValue(path, out var node))
            {
                continue;
            }

            paths.Add(path);
            if (node.ChildCount == 0)
            {
                continue;
            }

            children.Clear();
            children.AddRange(node.Children);
            children.Sort(StringComparer.Ordinal);

            // Pushed in reverse so that they pop in order.
            for (int i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(ZnodePath.Join(path, children[i]));
            }
        }

        return paths;
    }
}
