namespace CoordAspire.Database.Tree;

// What a fuzzy snapshot takes from the tree, and why what it reads from another thread is good enough.
//
// ZooKeeper takes its snapshot on a thread of its own (SyncRequestProcessor starts it; DataTree.serialize walks the
// live tree) while transactions keep being applied, and names it after the last zxid applied when it started. The
// result is "fuzzy": each node is as it was at some moment during the walk. Restoring it and replaying the log
// after that zxid converges on the live tree because every transaction sets absolute values (versions, zxids, data)
// that the leader computed when it prepared it (PrepRequestProcessor.pRequest2Txn), so replaying one over a node
// that already holds its effect changes nothing (FileTxnSnapLog.processTransaction; the Zab paper, "fuzzy snapshot").
//
// Here the one thread that applies transactions (the loop) only copies the node map's (path, node) references:
// CopyNodesTo, O(n), no walk, no strings built. Every later step happens on the snapshot's own thread, which reads
// nothing of the tree but the captured DataNode objects, and of those only the persisted fields: Data and Acl
// (references, replaced by a transaction, never written into), Czxid, Ctime, EphemeralOwner (set before a node is
// published, never changed), Mzxid, Mtime, Version, Aversion, Cversion, Pzxid (aligned ints and longs, each read
// whole on a 64-bit runtime). It never touches _nodes, a node's children, the ephemeral, container and TTL sets or
// the watches: those are a Dictionary, HashSets and lists that the loop mutates, unsafe to read concurrently.
// ZooKeeper makes each node's read consistent with synchronized(node); here there is no lock on the hot path, so
// fields one transaction changes may be read half before and half after it. Why replaying still converges, for a
// snapshot named Z (every transaction applied after the capture has a zxid > Z and is in the log after Z):
//
// - The set of nodes. The capture is the exact node set after Z, a whole tree, so writing the captured nodes parent
//   before child loads. A node created after the capture is not in the snapshot; one deleted after it is, with its
//   last fields (no one writes a node once it has left the map). From the same node set, replay creates and
//   deletes exactly what the live tree did, since a create or delete succeeds or fails only on which paths exist;
//   so a replayed create never meets NODEEXISTS and a replayed delete always finds its node, and a closeSession
//   deletes the same ephemerals (EphemeralOwner never changes).
// - Data, Mzxid, Mtime, Version: only setData writes them, all four, with absolute values. If any was written after
//   the capture, a setData > Z is replayed and the last one sets all four to the live values, whatever mix the
//   snapshot read; if none was, the snapshot read the values as of Z, the live ones.
// - Acl, Aversion: the same with setACL (and a create finding its node present, which sets Acl; it too is > Z and
//   replayed). The Acl read to build the snapshot's ACL map may even precede the Aversion read by a whole pass.
// - Cversion, Pzxid: a create sets both on the parent, but replay only when the txn's parentCVersion exceeds the
//   node's cversion (DataTree.createNode); a delete raises Pzxid to its zxid. If the snapshot read the cversion
//   of the k-th create after Z and a later one exists, that later create is replayed and sets both; deletes only
//   raise Pzxid, and both live and replayed Pzxid end at the zxid of the last child change. If the snapshot read the
//   cversion of the LAST create, replay sets neither, so its Pzxid must already be at least that create's zxid:
//   DataNode.SetChildCreated stores Pzxid before Cversion (release) and ReadStatPersistedFuzzy reads Cversion
//   (acquire) before Pzxid, which guarantees it. This is the one pair whose order matters.
// - Sessions: captured on the loop with the zxid; createSession and closeSession after Z are replayed.
// - A multi is applied op by op and may be read half applied; it is > Z, so all of it is replayed.
public sealed partial class DataTree
{
    /// <summary>
    /// Copies every (path, node) of the tree into <paramref name="nodes"/> from index 0 and returns how many: the
    /// capture of a fuzzy snapshot, on the thread that applies transactions (see the comment at the top of this
    /// file for what may then be read from another thread). O(n) reference copies; no walk, no allocation.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is shorter than <see cref="NodeCount"/>.</exception>
    public int CopyNodesTo(KeyValuePair<string, DataNode>[] nodes)
    {
        ((ICollection<KeyValuePair<string, DataNode>>)_nodes).CopyTo(nodes, 0);
        return _nodes.Count;
    }
}
