using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Database.Tree;

// Applying transactions (DataTree.processTxn). A transaction was validated when it was prepared; here it is
// applied as given. The checks that remain (NONODE, NODEEXISTS) only fail when a transaction is replayed over a
// fuzzy snapshot that already holds its effect, which must converge rather than fail.
public sealed partial class DataTree
{
    public ProcessTxnResult ProcessTxn(in TxnHeader header, TxnRecord? txn) => ProcessTxn(header, txn, isSubTxn: false);

    private ProcessTxnResult ProcessTxn(in TxnHeader header, TxnRecord? txn, bool isSubTxn)
    {
        var rc = new ProcessTxnResult { ClientId = header.ClientId, Cxid = header.Cxid, Zxid = header.Zxid, Type = header.Type };
        try
        {
            switch (header.Type, txn)
            {
                case (OpCode.Create or OpCode.Create2, CreateTxn create):
                    rc.Path = create.Path;
                    rc.Stat = CreateNode(create.Path, create.Data, create.Acl, create.Ephemeral ? header.ClientId : 0, create.ParentCVersion, header.Zxid, header.Time);
                    break;
                case (OpCode.CreateTtl, CreateTtlTxn createTtl):
                    rc.Path = createTtl.Path;
                    rc.Stat = CreateNode(createTtl.Path, createTtl.Data, createTtl.Acl, EphemeralOwner.ForTtl(createTtl.Ttl), createTtl.ParentCVersion, header.Zxid, header.Time);
                    break;
                case (OpCode.CreateContainer, CreateContainerTxn createContainer):
                    rc.Path = createContainer.Path;
                    rc.Stat = CreateNode(createContainer.Path, createContainer.Data, createContainer.Acl, EphemeralOwner.Container, createContainer.ParentCVersion, header.Zxid, header.Time);
                    break;
                case (OpCode.Delete or OpCode.DeleteContainer, DeleteTxn delete):
                    rc.Path = delete.Path;
                    DeleteNode(delete.Path, header.Zxid);
                    break;
                case (OpCode.SetData or OpCode.Reconfig, SetDataTxn setData):
                    rc.Path = setData.Path;
                    rc.Stat = SetData(setData.Path, setData.Data, setData.Version, header.Zxid, header.Time);
                    break;
                case (OpCode.SetAcl, SetAclTxn setAcl):
                    rc.Path = setAcl.Path;
                    rc.Stat = SetAcl(setAcl.Path, setAcl.Acl, setAcl.Version);
                    break;
                case (OpCode.CloseSession, _):
                    KillSession(header.ClientId, header.Zxid, (txn as CloseSessionTxn)?.Paths2Delete);
                    break;
                case (OpCode.CreateSession, _):
                    break;
                case (OpCode.Error, ErrorTxn error):
                    rc.Err = error.Err;
                    break;
                case (OpCode.Check, CheckVersionTxn check):
                    rc.Path = check.Path;
                    break;
                case (OpCode.Multi, MultiTxn multi):
                    ApplyMulti(header, multi, rc);
                    break;
                default:
                    throw new InvalidOperationException($"transaction type {header.Type} does not match its record {txn?.GetType().Name ?? "null"}");
            }
        }
        catch (KeeperException e)
        {
            rc.Err = e.Code;
        }

        // Replaying a create over a fuzzy snapshot may find the node already there (created by a later txn the
        // snapshot caught); the parent's cversion and pzxid must still move forward to what this txn says.
        if (header.Type is OpCode.Create && rc.Err == ErrorCode.NodeExists && txn is CreateTxn cTxn)
        {
            var parent = GetNode(ZnodePath.Parent(cTxn.Path));
            if (parent is not null && cTxn.ParentCVersion > parent.Cversion)
            {
                parent.SetChildCreated(cTxn.ParentCVersion, header.Zxid);
            }
        }

        // A multi's zxid is recorded only once all of it is applied, so a snapshot never claims half of one.
        if (!isSubTxn && header.Zxid > LastProcessedZxid)
        {
            LastProcessedZxid = header.Zxid;
        }

        return rc;
    }

    /// <summary>
    /// Applies a multi. If any operation failed in preparation, every operation is turned into an error (0 before
    /// the failure, RUNTIMEINCONSISTENCY after it) and nothing changes.
    /// </summary>
    private void ApplyMulti(in TxnHeader header, MultiTxn multi, ProcessTxnResult rc)
    {
        rc.MultiResult = new List<ProcessTxnResult>(multi.Txns.Count);
        bool failed = multi.Txns.Any(t => t.Type == OpCode.Error);
        bool postFailed = false;
        foreach (var sub in multi.Txns)
        {
            var type = sub.Type;
            var record = sub.Record;
            if (type == OpCode.Error)
            {
                postFailed = true;
            }
            else if (failed)
            {
                type = OpCode.Error;
                record = new ErrorTxn(postFailed ? ErrorCode.RuntimeInconsistency : ErrorCode.Ok);
            }

            var subHeader = new TxnHeader(header.ClientId, header.Cxid, header.Zxid, header.Time, type);
            var subRc = ProcessTxn(subHeader, record, isSubTxn: true);
            rc.MultiResult.Add(subRc);
            if (subRc.Err != ErrorCode.Ok && rc.Err == ErrorCode.Ok)
            {
                rc.Err = subRc.Err;
            }
        }
    }

    private Stat CreateNode(string path, byte[]? data, IReadOnlyList<Acl> acl, long ephemeralOwner, int parentCVersion, long zxid, long time)
    {
        string parentName = ZnodePath.Parent(path);
        string childName = ZnodePath.Name(path);
        var parent = GetNode(parentName) ?? throw new KeeperException(ErrorCode.NoNode, parentName);
        if (_nodes.TryGetValue(path, out var existing))
        {
            existing.Acl = acl;
            throw new KeeperException(ErrorCode.NodeExists, path);
        }

        if (parentCVersion == -1)
        {
            parentCVersion = parent.Cversion + 1;
        }

        // Replaying a create of a node that a fuzzy snapshot never saw must not move cversion backwards.
        if (parentCVersion > parent.Cversion)
        {
            parent.SetChildCreated(parentCVersion, zxid);
        }

        var child = new DataNode(data, acl, zxid, time, ephemeralOwner);
        parent.AddChild(childName);
        _nodes[path] = child;
        switch (EphemeralOwner.TypeOf(ephemeralOwner, ExtendedTypesEnabled))
        {
            case EphemeralType.Container:
                child.HidesOwner = true;
                _containers.Add(path);
                break;
            case EphemeralType.Ttl:
                child.HidesOwner = true;
                _ttls.Add(path);
                break;
            case EphemeralType.Normal:
                if (!_ephemerals.TryGetValue(ephemeralOwner, out var owned))
                {
                    owned = new HashSet<string>(StringComparer.Ordinal);
                    _ephemerals[ephemeralOwner] = owned;
                }

                owned.Add(path);
                break;
        }

        DataWatches.TriggerWatch(path, EventType.NodeCreated, zxid, child.Acl);
        ChildWatches.TriggerWatch(parentName, EventType.NodeChildrenChanged, zxid, parent.Acl);
        return child.ToStat();
    }

    private void DeleteNode(string path, long zxid)
    {
        string parentName = ZnodePath.Parent(path);
        var parent = GetNode(parentName) ?? throw new KeeperException(ErrorCode.NoNode, parentName);

        // The child may already be gone in a fuzzy snapshot; the parent's pzxid still moves forward.
        parent.RemoveChild(ZnodePath.Name(path));
        if (zxid > parent.Pzxid)
        {
            parent.Pzxid = zxid;
        }

        if (!_nodes.Remove(path, out var node))
        {
            throw new KeeperException(ErrorCode.NoNode, path);
        }

        long owner = node.EphemeralOwner;
        switch (EphemeralOwner.TypeOf(owner, ExtendedTypesEnabled))
        {
            case EphemeralType.Container:
                _containers.Remove(path);
                break;
            case EphemeralType.Ttl:
                _ttls.Remove(path);
                break;
            case EphemeralType.Normal:
                if (_ephemerals.TryGetValue(owner, out var owned))
                {
                    owned.Remove(path);
                    if (owned.Count == 0)
                    {
                        _ephemerals.Remove(owner);
                    }
                }

                break;
        }

        var processed = DataWatches.TriggerWatch(path, EventType.NodeDeleted, zxid, node.Acl);
        ChildWatches.TriggerWatch(path, EventType.NodeDeleted, zxid, node.Acl, processed);
        ChildWatches.TriggerWatch(parentName, EventType.NodeChildrenChanged, zxid, parent.Acl);
    }

    private Stat SetData(string path, byte[]? data, int version, long zxid, long time)
    {
        var node = GetNode(path) ?? throw new KeeperException(ErrorCode.NoNode, path);
        node.Data = data;
        node.Mtime = time;
        node.Mzxid = zxid;
        node.Version = version;
        DataWatches.TriggerWatch(path, EventType.NodeDataChanged, zxid, node.Acl);
        return node.ToStat();
    }

    private Stat SetAcl(string path, IReadOnlyList<Acl> acl, int version)
    {
        var node = GetNode(path) ?? throw new KeeperException(ErrorCode.NoNode, path);
        node.Acl = acl;
        node.Aversion = version;
        return node.ToStat();
    }

    /// <summary>
    /// Ends a session's ephemerals: those the closeSession txn names (the leader's view when it prepared it), then
    /// any others this replica still holds for the session.
    /// </summary>
    private void KillSession(long sessionId, long zxid, IReadOnlyList<string>? paths2Delete)
    {
        if (paths2Delete is not null)
        {
            foreach (var path in paths2Delete)
            {
                TryDeleteEphemeral(path, sessionId, zxid);
            }
        }

        if (_ephemerals.Remove(sessionId, out var remaining))
        {
            foreach (var path in remaining.ToArray())
            {
                TryDeleteEphemeral(path, sessionId, zxid);
            }
        }
    }

    private void TryDeleteEphemeral(string path, long sessionId, long zxid)
    {
        // Only the session's own ephemeral: a replayed close must not delete a node another session re-created.
        if (_nodes.TryGetValue(path, out var node) && node.EphemeralOwner == sessionId)
        {
            try
            {
                DeleteNode(path, zxid);
            }
            catch (KeeperException)
            {
                // Already gone in a fuzzy snapshot: nothing to undo.
            }
        }
    }
}
