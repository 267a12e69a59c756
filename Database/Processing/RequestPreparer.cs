using CoordAspire.Database.Auth;
using CoordAspire.Database.Sessions;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;

namespace CoordAspire.Database.Processing;

/// <summary>A request turned into a transaction: a header with its zxid and time, and the body (an ErrorTxn if it failed).</summary>
public readonly record struct PreparedTxn(TxnHeader Header, TxnRecord? Record, ErrorCode Error)
{
    /// <summary>The W3C traceparent of the request it was prepared for, if its client sent one (the proposal's parent).</summary>
    public string? TraceParent { get; init; }
}

/// <summary>
/// Turns a write request into an idempotent transaction (<c>PrepRequestProcessor.pRequest2Txn</c>): versions are
/// checked and made absolute, the sequential suffix and the parent's new cversion are fixed, ACLs are checked and
/// expanded, and the leader's clock stamps the header. A request that fails still becomes a transaction (an
/// ErrorTxn), as in ZooKeeper, so every write consumes a zxid and a session's replies keep their order.
/// </summary>
internal sealed class RequestPreparer
{
    private readonly DataTree _tree;
    private readonly SessionTracker _sessions;
    private readonly AclChecker _acl;
    private readonly ServerSettings _settings;
    private readonly List<ChangeRecord> _outstandingChanges = [];
    private readonly Dictionary<string, ChangeRecord> _outstandingByPath = new(StringComparer.Ordinal);

    public RequestPreparer(DataTree tree, SessionTracker sessions, AclChecker acl, ServerSettings settings, IZxidSource zxids)
    {
        _tree = tree;
        _sessions = sessions;
        _acl = acl;
        _settings = settings;
        Zxids = zxids;
    }

    /// <summary>The leader's own local sessions (LeaderSessionTracker's local tracker), when it has them.</summary>
    public SessionTracker? LocalSessions { get; set; }

    /// <summary>The ensemble runs local sessions: a session this leader does not know may be another server's.</summary>
    public bool OtherServersHaveLocalSessions { get; set; }

    /// <summary>
    /// LeaderSessionTracker.checkSession: with local sessions on, an unknown session made by another server (its id
    /// carries that server's id on top) is taken to be that server's local session, which may write.
    /// </summary>
    public bool MayBeOtherServersLocalSession(long sessionId) =>
        OtherServersHaveLocalSessions && sessionId >> 56 != _settings.ServerId;

    /// <summary>Who numbers the transactions: the consensus core when leading, the server's own counter standalone.</summary>
    public IZxidSource Zxids { get; set; }

    public int OutstandingChangeCount => _outstandingChanges.Count;

    /// <summary>Drops every pending change (a failed log write, a role change): the tree is the truth again.</summary>
    public void Reset()
    {
        _outstandingChanges.Clear();
        _outstandingByPath.Clear();
    }

    /// <summary>Forgets the change records that transactions up to <paramref name="zxid"/> have made real in the tree.</summary>
    public void Applied(long zxid)
    {
        int done = 0;
        while (done < _outstandingChanges.Count && _outstandingChanges[done].Zxid <= zxid)
        {
            var record = _outstandingChanges[done];
            if (_outstandingByPath.TryGetValue(record.Path, out var current) && ReferenceEquals(current, record))
            {
                _outstandingByPath.Remove(record.Path);
            }

            done++;
        }

        _outstandingChanges.RemoveRange(0, done);
    }

    /// <summary>Prepares a write or session request. Reads never come here.</summary>
    public PreparedTxn Prepare(long sessionId, int cxid, OpCode type, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo, long wallTime)
    {
        long zxid = Zxids.NextZxid();
        var header = new TxnHeader(sessionId, cxid, zxid, wallTime, type);
        try
        {
            if (type == OpCode.Multi)
            {
                return PrepareMulti(header, body, authInfo);
            }

            var reader = new JuteReader(body);
            var record = PrepareOne(type, zxid, wallTime, sessionId, ref reader, authInfo);
            return new PreparedTxn(header, record, ErrorCode.Ok);
        }
        catch (KeeperException e)
        {
            return new PreparedTxn(header with { Type = OpCode.Error }, new ErrorTxn(e.Code), e.Code);
        }
        catch (JuteException)
        {
            // A body that does not parse: ZooKeeper logs it and answers MARSHALLINGERROR.
            return new PreparedTxn(header with { Type = OpCode.Error }, new ErrorTxn(ErrorCode.MarshallingError), ErrorCode.MarshallingError);
        }
    }

    /// <summary>A request refused before it is looked at (a session the leader no longer knows): an error transaction.</summary>
    public PreparedTxn PrepareError(long sessionId, int cxid, OpCode type, ErrorCode error, long wallTime)
    {
        long zxid = Zxids.NextZxid();
        return new PreparedTxn(new TxnHeader(sessionId, cxid, zxid, wallTime, OpCode.Error), new ErrorTxn(error), error);
    }

    /// <summary>A createSession transaction for a session the tracker has just allocated.</summary>
    public PreparedTxn PrepareCreateSession(long sessionId, int timeout, long wallTime)
    {
        long zxid = Zxids.NextZxid();
        return new PreparedTxn(new TxnHeader(sessionId, 0, zxid, wallTime, OpCode.CreateSession), new CreateSessionTxn(timeout), ErrorCode.Ok);
    }

    /// <summary>
    /// A closeSession transaction naming every ephemeral of the session, including those created by transactions
    /// still pending, and none that a pending transaction deletes.
    /// </summary>
    public PreparedTxn PrepareCloseSession(long sessionId, int cxid, long wallTime)
    {
        long zxid = Zxids.NextZxid();
        var ephemerals = new HashSet<string>(_tree.GetEphemerals(sessionId), StringComparer.Ordinal);
        foreach (var change in _outstandingChanges)
        {
            if (!change.Exists)
            {
                ephemerals.Remove(change.Path);
            }
            else if (change.EphemeralOwner == sessionId)
            {
                ephemerals.Add(change.Path);
            }
        }

        foreach (var path in ephemerals)
        {
            AddChangeRecord(new ChangeRecord { Zxid = zxid, Path = path, Exists = false });
        }

        _sessions.SetSessionClosing(sessionId);
        var paths = ephemerals.ToList();
        paths.Sort(StringComparer.Ordinal);
        return new PreparedTxn(new TxnHeader(sessionId, cxid, zxid, wallTime, OpCode.CloseSession), new CloseSessionTxn(paths), ErrorCode.Ok);
    }

    /// <summary>A deleteContainer (or a TTL node's delete) issued by the server itself, with no session.</summary>
    public PreparedTxn PrepareServerDelete(OpCode type, string path, long wallTime)
    {
        long zxid = Zxids.NextZxid();
        var header = new TxnHeader(0, 0, zxid, wallTime, type);
        try
        {
            string parentPath = GetParentPathAndValidate(path);
            var node = GetRecordForPath(path);
            if (node.ChildCount > 0)
            {
                throw new KeeperException(ErrorCode.NotEmpty, path);
            }

            if (EphemeralOwner.TypeOf(node.EphemeralOwner, _tree.ExtendedTypesEnabled) == EphemeralType.Normal)
            {
                throw new KeeperException(ErrorCode.BadVersion, path);
            }

            RecordDelete(zxid, path, parentPath);
            return new PreparedTxn(header, new DeleteTxn(path), ErrorCode.Ok);
        }
        catch (KeeperException e)
        {
            return new PreparedTxn(header with { Type = OpCode.Error }, new ErrorTxn(e.Code), e.Code);
        }
    }

    private PreparedTxn PrepareMulti(TxnHeader header, ReadOnlySpan<byte> body, IReadOnlyList<Id> authInfo)
    {
        var ops = MultiRequest.Read(body);
        var txns = new List<MultiTxnEntry>(ops.Count);
        var undo = new List<(string Path, ChangeRecord? Previous)>();
        int outstandingBefore = _outstandingChanges.Count;
        _undoLog = undo;
        ErrorCode failure = ErrorCode.Ok;
        try
        {
            foreach (var op in ops)
            {
                if (failure != ErrorCode.Ok)
                {
                    // Once one operation failed, the rest are not even tried.
                    txns.Add(new MultiTxnEntry(OpCode.Error, new ErrorTxn(ErrorCode.RuntimeInconsistency)));
                    continue;
                }

                try
                {
                    var reader = new JuteReader(op.Body.Span);
                    var record = PrepareOne(op.Type, header.Zxid, header.Time, header.ClientId, ref reader, authInfo);
                    txns.Add(new MultiTxnEntry(op.Type, record));
                }
                catch (KeeperException e)
                {
                    failure = e.Code;
                    txns.Add(new MultiTxnEntry(OpCode.Error, new ErrorTxn(e.Code)));
                    Rollback(undo, outstandingBefore);
                }
            }
        }
        finally
        {
            _undoLog = null;
        }

        return new PreparedTxn(header, new MultiTxn(txns), ErrorCode.Ok);
    }

    private List<(string Path, ChangeRecord? Previous)>? _undoLog;

    private void Rollback(List<(string Path, ChangeRecord? Previous)> undo, int outstandingBefore)
    {
        for (int i = undo.Count - 1; i >= 0; i--)
        {
            var (path, previous) = undo[i];
            if (previous is null)
            {
                _outstandingByPath.Remove(path);
            }
            else
            {
                _outstandingByPath[path] = previous;
            }
        }

        undo.Clear();
        _outstandingChanges.RemoveRange(outstandingBefore, _outstandingChanges.Count - outstandingBefore);
    }

    private TxnRecord PrepareOne(OpCode type, long zxid, long time, long sessionId, ref JuteReader reader, IReadOnlyList<Id> authInfo)
    {
        switch (type)
        {
            case OpCode.Create or OpCode.Create2 or OpCode.CreateContainer:
            {
                var request = CreateRequest.Read(ref reader);
                return PrepareCreate(type, zxid, sessionId, request.Path, request.Data, request.Acl, request.Flags, -1, authInfo);
            }

            case OpCode.CreateTtl:
            {
                var request = CreateTtlRequest.Read(ref reader);
                return PrepareCreate(type, zxid, sessionId, request.Path, request.Data, request.Acl, request.Flags, request.Ttl, authInfo);
            }

            case OpCode.Delete:
            {
                CheckSession(sessionId);
                var request = DeleteRequest.Read(ref reader);
                string parentPath = GetParentPathAndValidate(request.Path);
                var parent = GetRecordForPath(parentPath);
                _acl.CheckAcl(parent.Acl, Perms.Delete, authInfo, request.Path);
                var node = GetRecordForPath(request.Path);
                CheckAndIncVersion(node.Version, request.Version, request.Path);
                if (node.ChildCount > 0)
                {
                    throw new KeeperException(ErrorCode.NotEmpty, request.Path);
                }

                RecordDelete(zxid, request.Path, parentPath);
                return new DeleteTxn(request.Path);
            }

            case OpCode.DeleteContainer:
            {
                // Only the server itself deletes containers; a client's request gets what ZooKeeper gives it.
                var request = PathRequest.Read(ref reader);
                string parentPath = GetParentPathAndValidate(request.Path);
                var node = GetRecordForPath(request.Path);
                if (node.ChildCount > 0)
                {
                    throw new KeeperException(ErrorCode.NotEmpty, request.Path);
                }

                if (EphemeralOwner.TypeOf(node.EphemeralOwner, _tree.ExtendedTypesEnabled) == EphemeralType.Normal)
                {
                    throw new KeeperException(ErrorCode.BadVersion, request.Path);
                }

                RecordDelete(zxid, request.Path, parentPath);
                return new DeleteTxn(request.Path);
            }

            case OpCode.SetData:
            {
                CheckSession(sessionId);
                var request = SetDataRequest.Read(ref reader);
                ValidatePath(request.Path);
                var node = GetRecordForPath(request.Path);
                _acl.CheckAcl(node.Acl, Perms.Write, authInfo, request.Path);
                int newVersion = CheckAndIncVersion(node.Version, request.Version, request.Path);
                var updated = node.Duplicate(zxid);
                updated.Version = newVersion;
                AddChangeRecord(updated);
                return new SetDataTxn(request.Path, request.Data, newVersion);
            }

            case OpCode.SetAcl:
            {
                CheckSession(sessionId);
                var request = SetAclRequest.Read(ref reader);
                ValidatePath(request.Path);
                var acl = _acl.FixupAcl(request.Path, authInfo, request.Acl);
                var node = GetRecordForPath(request.Path);
                _acl.CheckAcl(node.Acl, Perms.Admin, authInfo, request.Path);
                int newVersion = CheckAndIncVersion(node.Aversion, request.Version, request.Path);
                var updated = node.Duplicate(zxid);
                updated.Aversion = newVersion;
                updated.Acl = acl;
                AddChangeRecord(updated);
                return new SetAclTxn(request.Path, acl, newVersion);
            }

            case OpCode.Check:
            {
                CheckSession(sessionId);
                var request = CheckVersionRequest.Read(ref reader);
                ValidatePath(request.Path);
                var node = GetRecordForPath(request.Path);
                _acl.CheckAcl(node.Acl, Perms.Read, authInfo, request.Path);
                return new CheckVersionTxn(request.Path, CheckAndIncVersion(node.Version, request.Version, request.Path));
            }

            case OpCode.Reconfig:
                // Dynamic reconfiguration is disabled (reconfigEnabled=false), as it is by default in ZooKeeper.
                throw new KeeperException(ErrorCode.ReconfigDisabled);

            default:
                throw new KeeperException(ErrorCode.Unimplemented);
        }
    }

    private TxnRecord PrepareCreate(OpCode type, long zxid, long sessionId, string path, byte[]? data, List<Acl> acl, int flags, long ttl, IReadOnlyList<Id> authInfo)
    {
        var mode = CreateModeExtensions.FromFlag(flags) ?? throw new KeeperException(ErrorCode.BadArguments, path);
        if (type == OpCode.CreateContainer)
        {
            mode = CreateMode.Container;
        }

        ValidateCreateRequest(path, mode, sessionId, ttl);
        string parentPath = ValidatePathForCreate(path);
        var fixedAcl = _acl.FixupAcl(path, authInfo, acl);
        var parent = GetRecordForPath(parentPath);
        _acl.CheckAcl(parent.Acl, Perms.Create, authInfo, path);
        if (mode.IsSequential())
        {
            path += parent.Cversion.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        }

        ValidatePath(path);
        if (TryGetRecordForPath(path) is not null)
        {
            throw new KeeperException(ErrorCode.NodeExists, path);
        }

        if (EphemeralOwner.TypeOf(parent.EphemeralOwner, _tree.ExtendedTypesEnabled) == EphemeralType.Normal)
        {
            throw new KeeperException(ErrorCode.NoChildrenForEphemerals, path);
        }

        int newCversion = parent.Cversion + 1;
        long ephemeralOwner = mode switch
        {
            CreateMode.Container => EphemeralOwner.Container,
            _ when mode.IsTtl() => EphemeralOwner.ForTtl(ttl),
            _ when mode.IsEphemeral() => sessionId,
            _ => 0,
        };

        var updatedParent = parent.Duplicate(zxid);
        updatedParent.ChildCount++;
        updatedParent.Cversion = newCversion;
        AddChangeRecord(updatedParent);
        AddChangeRecord(new ChangeRecord { Zxid = zxid, Path = path, Exists = true, EphemeralOwner = ephemeralOwner, Acl = fixedAcl });

        return type switch
        {
            OpCode.CreateContainer => new CreateContainerTxn(path, data, fixedAcl, newCversion),
            OpCode.CreateTtl => new CreateTtlTxn(path, data, fixedAcl, newCversion, ttl),
            _ => new CreateTxn(path, data, fixedAcl, mode.IsEphemeral(), newCversion),
        };
    }

    private void ValidateCreateRequest(string path, CreateMode mode, long sessionId, long ttl)
    {
        if (mode.IsTtl() && !_settings.ExtendedTypesEnabled)
        {
            throw new KeeperException(ErrorCode.Unimplemented);
        }

        // EphemeralType.validateTTL: a TTL mode needs a valid TTL; any other mode must not carry one.
        if (mode.IsTtl() ? !EphemeralOwner.IsValidTtl(ttl) : ttl >= 0)
        {
            throw new KeeperException(ErrorCode.BadArguments, path);
        }

        // PrepRequestProcessor.validateCreateRequest: an ephemeral needs a session every member knows.
        if (mode.IsEphemeral())
        {
            CheckGlobalSession(sessionId);
        }
        else
        {
            CheckSession(sessionId);
        }
    }

    /// <summary>Only the shape needed to find the parent; the full path is validated once a sequential suffix is added.</summary>
    private static string ValidatePathForCreate(string path)
    {
        int lastSlash = path.LastIndexOf('/');
        if (lastSlash == -1 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new KeeperException(ErrorCode.BadArguments, path);
        }

        return lastSlash == 0 ? "/" : path[..lastSlash];
    }

    private void RecordDelete(long zxid, string path, string parentPath)
    {
        var parent = GetRecordForPath(parentPath).Duplicate(zxid);
        parent.ChildCount--;
        AddChangeRecord(parent);
        AddChangeRecord(new ChangeRecord { Zxid = zxid, Path = path, Exists = false });
    }

    private void CheckSession(long sessionId)
    {
        // Requests the server issues itself (container and TTL cleanup) carry session 0.
        if (sessionId != 0 && !_sessions.IsLive(sessionId) && LocalSessions?.IsLive(sessionId) != true && !MayBeOtherServersLocalSession(sessionId))
        {
            throw new KeeperException(ErrorCode.SessionExpired);
        }
    }

    private void CheckGlobalSession(long sessionId)
    {
        if (LocalSessions?.IsLive(sessionId) == true)
        {
            // Still local, so upgrading is off (the request would have upgraded it first).
            throw new KeeperException(ErrorCode.EphemeralOnLocalSession);
        }

        if (sessionId != 0 && !_sessions.IsLive(sessionId))
        {
            throw new KeeperException(ErrorCode.SessionExpired);
        }
    }

    private static void ValidatePath(string path)
    {
        if (ZnodePath.Validate(path) is not null)
        {
            throw new KeeperException(ErrorCode.BadArguments, path);
        }
    }

    private static string GetParentPathAndValidate(string path)
    {
        int lastSlash = path.LastIndexOf('/');
        if (lastSlash == -1 || path.Contains('\0', StringComparison.Ordinal) || DataTree.IsSpecialPath(path))
        {
            throw new KeeperException(ErrorCode.BadArguments, path);
        }

        return lastSlash == 0 ? "/" : path[..lastSlash];
    }

    /// <summary>
    /// ZooKeeper's version check: -1 matches any version. The new version skips -1 when it wraps around from
    /// int.MinValue, since a client could never ask for "-1" and mean it (ZOOKEEPER-4743).
    /// </summary>
    private static int CheckAndIncVersion(int currentVersion, int expectedVersion, string path)
    {
        if (expectedVersion != -1 && expectedVersion != currentVersion)
        {
            throw new KeeperException(ErrorCode.BadVersion, path);
        }

        int next = unchecked(currentVersion + 1);
        return next == -1 ? 0 : next;
    }

    private ChangeRecord GetRecordForPath(string path) =>
        TryGetRecordForPath(path) ?? throw new KeeperException(ErrorCode.NoNode, path);

    private ChangeRecord? TryGetRecordForPath(string path)
    {
        if (_outstandingByPath.TryGetValue(path, out var change))
        {
            return change.Exists ? change : null;
        }

        var node = _tree.GetNode(path);
        if (node is null)
        {
            return null;
        }

        return new ChangeRecord
        {
            Zxid = -1,
            Path = path,
            Exists = true,
            Version = node.Version,
            Cversion = node.Cversion,
            Aversion = node.Aversion,
            EphemeralOwner = node.EphemeralOwner,
            ChildCount = node.ChildCount,
            Acl = node.Acl,
        };
    }

    private void AddChangeRecord(ChangeRecord record)
    {
        _undoLog?.Add((record.Path, _outstandingByPath.GetValueOrDefault(record.Path)));
        _outstandingChanges.Add(record);
        _outstandingByPath[record.Path] = record;
    }
}
