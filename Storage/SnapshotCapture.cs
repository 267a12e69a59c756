using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Storage;

/// <summary>
/// What a fuzzy snapshot captures on the thread that applies transactions, and the serialisation of it that runs on
/// another thread: the body of a snapshot (<see cref="FileSnap"/>: sessions, ACL map, nodes, the "/" that ends them).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Take"/>, on the loop thread, copies only references: the last applied zxid, the sessions, and every
/// (path, node) pair of the node map (<see cref="DataTree.CopyNodesTo"/>) into an array kept from the previous
/// snapshot. Everything else happens later on the snapshot's own thread, which reads only what
/// <c>DataTree.Snapshot.cs</c> says is safe to read while the loop keeps applying transactions (and why the result,
/// replayed from <see cref="Zxid"/>, converges).
/// </para>
/// <para>
/// Off the loop, <see cref="Prepare"/> orders the nodes parent before child, which is all that loading a snapshot
/// needs (<c>DataTree.deserialize</c> looks each parent up). ZooKeeper walks its tree depth first; sorting the paths
/// would do too, but both cost far more than a counting sort by depth (the number of '/'), which is stable, so
/// siblings keep the node map's order. The same pass gives each node its ACL id (<see cref="AclMap"/>). The map must
/// come before the nodes in the file and name every id they use (Apache ZooKeeper's <c>convertLong</c> fails on an
/// unknown id), so ids are fixed here, before any node is written, and each node is written with the id of the ACL
/// it had at that moment. An ACL changed after the capture is set again by replaying its setACL (&gt; zxid).
/// </para>
/// </remarks>
public sealed class SnapshotCapture : IDisposable
{
    // The arrays of the last finished snapshot, emptied (or bigger ones made ready off the loop), so that the next
    // capture writes into memory already mapped: allocating and faulting in 16 MB of fresh pages on the loop thread,
    // or a GC that allocation sets off, costs 30-140 ms where the copy itself takes 5. Reusing the others (ordering,
    // ACL ids: 16 bytes per znode) spares each snapshot's thread large-object allocations and the GCs they bring.
    private static Scratch? s_spare;

    private readonly AclMap _acls = new();
    private Scratch? _scratch;
    private int _next;
    private bool _prepared;

    private SnapshotCapture(long zxid, KeyValuePair<long, int>[] sessions, Scratch scratch, int count)
    {
        Zxid = zxid;
        Sessions = sessions;
        _scratch = scratch;
        NodeCount = count;
    }

    /// <summary>The last zxid applied at the capture: the snapshot's name, and where replay resumes (after it).</summary>
    public long Zxid { get; }

    /// <summary>Session id → timeout, as at the capture.</summary>
    public IReadOnlyList<KeyValuePair<long, int>> Sessions { get; }

    /// <summary>Nodes captured, every one of which the snapshot holds.</summary>
    public int NodeCount { get; }

    /// <summary>Nodes serialised so far.</summary>
    public int NodesWritten => _next;

    /// <summary>True once every captured node is serialised.</summary>
    public bool AllNodesWritten => _next == NodeCount;

    /// <summary>
    /// Captures <paramref name="tree"/> as of its last processed zxid, with <paramref name="sessions"/> (id →
    /// timeout). Call on the thread that applies transactions; the rest may run on any one other thread.
    /// </summary>
    public static SnapshotCapture Take(DataTree tree, IEnumerable<KeyValuePair<long, int>> sessions)
    {
        var sessionArray = sessions.ToArray();
        int count = tree.NodeCount;
        var scratch = Interlocked.Exchange(ref s_spare, null);
        if (scratch is null || scratch.Nodes.Length < count)
        {
            // Only when the tree outgrew what Reserve and the last snapshot prepared (see Dispose).
            scratch = new Scratch(new KeyValuePair<string, DataNode>[SizeFor(count)]);
        }

        int copied = tree.CopyNodesTo(scratch.Nodes);
        return new SnapshotCapture(tree.LastProcessedZxid, sessionArray, scratch, copied);
    }

    /// <summary>
    /// Makes a capture array for <paramref name="nodeCount"/> nodes and more ready, so that the first snapshot's
    /// capture does not allocate it on the loop thread (call at startup, once the tree is restored).
    /// </summary>
    public static void Reserve(int nodeCount)
    {
        var spare = Volatile.Read(ref s_spare);
        if (spare is null || spare.Nodes.Length < nodeCount)
        {
            Offer(Scratch.Prefaulted(SizeFor(nodeCount)));
        }
    }

    /// <summary>
    /// Orders the nodes parent before child and fixes their ACL ids (see the remarks). Off the loop thread; done
    /// once, by the first of <see cref="WritePrefix"/> or <see cref="WriteNodes"/> if not called.
    /// </summary>
    public void Prepare()
    {
        if (_prepared)
        {
            return;
        }

        var scratch = _scratch;
        ObjectDisposedException.ThrowIf(scratch is null, this);
        int n = NodeCount;
        scratch.EnsureWorkArrays();
        var nodes = scratch.Nodes;
        var order = scratch.Order;
        var aclIds = scratch.AclIds;

        // Counting sort by depth: each node's depth (kept in order[] until the last pass needs it), how many nodes
        // at each depth and so where each depth starts, then every index in its depth's place, in map order.
        // Counting a path's '/' twice costs less than a third array of 4 bytes per znode.
        int maxDepth = 0;
        for (int i = 0; i < n; i++)
        {
            var (path, node) = nodes[i];
            int depth = Depth(path);
            order[i] = depth;
            maxDepth = Math.Max(maxDepth, depth);
            aclIds[i] = checked((int)_acls.IdOf(node.Acl));
        }

        var starts = new int[maxDepth + 2];
        for (int i = 0; i < n; i++)
        {
            starts[order[i] + 1]++;
        }

        for (int d = 1; d < starts.Length; d++)
        {
            starts[d] += starts[d - 1];
        }

        for (int i = 0; i < n; i++)
        {
            order[starts[Depth(nodes[i].Key)]++] = i;
        }

        _prepared = true;
    }

    /// <summary>
    /// Writes what comes before the nodes (<c>SerializeUtils.serializeSnapshot</c>, then <c>DataTree.serialize</c>):
    /// the sessions, then the ACL map.
    /// </summary>
    public void WritePrefix(IBufferWriter<byte> output)
    {
        Prepare();
        var writer = new JuteWriter(output);
        writer.WriteInt(Sessions.Count);
        foreach (var (id, timeout) in Sessions)
        {
            writer.WriteLong(id);
            writer.WriteInt(timeout);
        }

        _acls.Write(writer);
    }

    /// <summary>
    /// Serialises the next nodes, parent before child: at most <paramref name="maxNodes"/>, and no more once about
    /// <paramref name="maxBytes"/> are written. Returns <see cref="AllNodesWritten"/>. Each is
    /// <c>DataTree.serializeNodeData</c>: the path ("" for the root), then DataNode { data, ACL id, StatPersisted },
    /// with the fields read as they are now.
    /// </summary>
    public bool WriteNodes(IBufferWriter<byte> output, int maxNodes, int maxBytes)
    {
        Prepare();
        var scratch = _scratch!;
        long written = 0;
        int end = (int)Math.Min((long)_next + Math.Max(maxNodes, 1), NodeCount);
        while (_next < end && written < maxBytes)
        {
            int index = scratch.Order[_next];
            var (path, node) = scratch.Nodes[index];

            // One read of the data reference: the loop may replace it meanwhile, and length and bytes must agree.
            byte[]? data = node.Data;
            var stat = node.ReadStatPersistedFuzzy();
            int dataLength = data?.Length ?? 0;
            var span = output.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(path.Length) + 4 + dataLength + 8 + FileSnap.StatPersistedSize);
            int pathLength = path.Length == 1 ? 0 : Encoding.UTF8.GetBytes(path, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, pathLength);
            int at = 4 + pathLength;
            BinaryPrimitives.WriteInt32BigEndian(span[at..], data is null ? -1 : dataLength);
            at += 4;
            if (data is { Length: > 0 })
            {
                data.CopyTo(span[at..]);
                at += dataLength;
            }

            BinaryPrimitives.WriteInt64BigEndian(span[at..], scratch.AclIds[index]);
            WriteStat(span[(at + 8)..], stat);
            int size = at + 8 + FileSnap.StatPersistedSize;
            output.Advance(size);
            written += size;
            _next++;
        }

        return AllNodesWritten;
    }

    /// <summary>The end of the nodes: the path "/" (<c>DataTree.serialize</c>).</summary>
    public static void WriteEnd(IBufferWriter<byte> output) => new JuteWriter(output).WriteString("/");

    /// <summary>
    /// Lets go of the captured nodes; the arrays, the capture emptied, are kept for the next snapshot. Call from the
    /// thread that serialised, once it is done.
    /// </summary>
    public void Dispose()
    {
        var scratch = _scratch;
        if (scratch is null)
        {
            return;
        }

        // Emptied here, off the loop, so that no deleted node stays reachable and the next capture starts clean. A
        // tree that filled three quarters of the array gets a bigger one now, off the loop, for the next capture.
        _scratch = null;
        Array.Clear(scratch.Nodes, 0, NodeCount);
        Offer(NodeCount > scratch.Nodes.Length / 4 * 3 ? Scratch.Prefaulted(SizeFor(NodeCount)) : scratch);
    }

    /// <summary>Depth 0 is the root alone ("/" has a slash but no parent); "/a" is 1, "/a/b" 2.</summary>
    private static int Depth(string path) => path.Length == 1 ? 0 : path.AsSpan().Count('/');

    /// <summary>Half as much again: a tree growing by less than that between snapshots never allocates on the loop.</summary>
    private static int SizeFor(int nodeCount) => (int)Math.Min(Array.MaxLength, nodeCount + (nodeCount / 2L) + 1024);

    /// <summary>Keeps <paramref name="spare"/> for the next capture unless a bigger one is already kept.</summary>
    private static void Offer(Scratch spare)
    {
        var previous = Volatile.Read(ref s_spare);
        if (previous is null || previous.Nodes.Length < spare.Nodes.Length)
        {
            Interlocked.CompareExchange(ref s_spare, spare, previous);
        }
    }

    private static void WriteStat(Span<byte> span, in Protocol.Records.StatPersisted stat)
    {
        BinaryPrimitives.WriteInt64BigEndian(span, stat.Czxid);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], stat.Mzxid);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], stat.Ctime);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], stat.Mtime);
        BinaryPrimitives.WriteInt32BigEndian(span[32..], stat.Version);
        BinaryPrimitives.WriteInt32BigEndian(span[36..], stat.Cversion);
        BinaryPrimitives.WriteInt32BigEndian(span[40..], stat.Aversion);
        BinaryPrimitives.WriteInt64BigEndian(span[44..], stat.EphemeralOwner);
        BinaryPrimitives.WriteInt64BigEndian(span[52..], stat.Pzxid);
    }

    /// <summary>
    /// A capture's arrays, kept from snapshot to snapshot: the (path, node) pairs, the order to write them in and their
    /// ACL ids (ZooKeeper's ids are longs; a map of more than 2^31 ACLs is not a case), 24 bytes per znode in all.
    /// </summary>
    private sealed class Scratch(KeyValuePair<string, DataNode>[] nodes)
    {
        public KeyValuePair<string, DataNode>[] Nodes { get; } = nodes;

        public int[] Order { get; private set; } = [];

        public int[] AclIds { get; private set; } = [];

        /// <summary>A scratch whose node array's pages are all written, so that the page faults happen here, off the loop.</summary>
        public static Scratch Prefaulted(int length)
        {
            var nodes = new KeyValuePair<string, DataNode>[length];
            Array.Clear(nodes);
            return new Scratch(nodes);
        }

        /// <summary>Off the loop: the work arrays, the first time this scratch is used.</summary>
        public void EnsureWorkArrays()
        {
            if (Order.Length < Nodes.Length)
            {
                Order = new int[Nodes.Length];
                AclIds = new int[Nodes.Length];
            }
        }
    }
}
