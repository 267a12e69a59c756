using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

// Children, ACLs, sync and the session-level queries.
public sealed partial class ZooKeeperClient
{
    public ValueTask<IReadOnlyList<string>> GetChildrenAsync(string path, CancellationToken cancellationToken = default) =>
        GetChildrenAsync(path, null, cancellationToken);

    /// <summary>The names of the znode's children, in no particular order; <paramref name="watcher"/> (when given)
    /// fires once when a child is created or deleted, or the znode is deleted.</summary>
    public ValueTask<IReadOnlyList<string>> GetChildrenAsync(string path, Action<WatchedEvent>? watcher, CancellationToken cancellationToken = default) =>
        Submit(PathWatchRequest(ResponseReaders.Names, OpCode.GetChildren, path, watcher, WatchKind.Child), cancellationToken);

    /// <summary><see cref="GetChildrenAsync(string, Action{WatchedEvent}?, CancellationToken)"/> with the znode's Stat (getChildren2).</summary>
    public ValueTask<(IReadOnlyList<string> Children, Stat Stat)> GetChildrenWithStatAsync(
        string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default) =>
        Submit(PathWatchRequest(ResponseReaders.Children2, OpCode.GetChildren2, path, watcher, WatchKind.Child), cancellationToken);

    /// <summary>How many znodes are below <paramref name="path"/>, at any depth (the znode itself not counted).</summary>
    public ValueTask<int> GetAllChildrenNumberAsync(string path, CancellationToken cancellationToken = default) =>
        Submit(PathRequest(ResponseReaders.Int, OpCode.GetAllChildrenNumber, path), cancellationToken);

    /// <summary>The paths of this session's ephemeral znodes that start with <paramref name="prefixPath"/> (a string prefix).</summary>
    public ValueTask<IReadOnlyList<string>> GetEphemeralsAsync(string prefixPath = "/", CancellationToken cancellationToken = default) =>
        Submit(PathRequest(ResponseReaders.Paths, OpCode.GetEphemerals, prefixPath), cancellationToken);

    public ValueTask<(IReadOnlyList<Acl> Acl, Stat Stat)> GetAclAsync(string path, CancellationToken cancellationToken = default) =>
        Submit(PathRequest(ResponseReaders.Acl, OpCode.GetAcl, path), cancellationToken);

    /// <summary>Replaces the znode's ACL if its ACL version (<c>aversion</c>) is <paramref name="aclVersion"/> (-1: any).</summary>
    public ValueTask<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int aclVersion = -1, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ArgumentNullException.ThrowIfNull(acl);
        if (acl.Count == 0)
        {
            throw new InvalidAclException(path, "an ACL must have at least one entry");
        }

        var request = Request<Stat>.Rent(ResponseReaders.Stat);
        request.Begin(this, OpCode.SetAcl, path);
        var writer = new JuteWriter(request.Frame);
        WritePath(writer, path);
        Acl.WriteList(writer, acl);
        writer.WriteInt(aclVersion);
        return Submit(request, cancellationToken);
    }

    /// <summary>Waits until the server this client talks to has applied every write the leader committed before the
    /// sync: a read after it sees at least that state.</summary>
    public ValueTask SyncAsync(string path = "/", CancellationToken cancellationToken = default) =>
        SubmitVoid(PathRequest<bool>(null, OpCode.Sync, path), cancellationToken);

    /// <summary>The identities this session is authenticated as (whoAmI, ZooKeeper 3.7+).</summary>
    public ValueTask<IReadOnlyList<ClientInfo>> WhoAmIAsync(CancellationToken cancellationToken = default)
    {
        var request = Request<IReadOnlyList<ClientInfo>>.Rent(ResponseReaders.WhoAmI);
        request.Begin(this, OpCode.WhoAmI, null);
        return Submit(request, cancellationToken);
    }
}
