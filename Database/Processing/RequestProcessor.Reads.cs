using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

// Requests that change nothing (FinalRequestProcessor for non-transaction types). ACLs are checked exactly where
// ZooKeeper checks them, and watches are registered on the connection.
public sealed partial class RequestProcessor
{
    private void ProcessRead(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new JuteReader(body);
        try
        {
            switch (header.Type)
            {
                case OpCode.Ping:
                    Send(channel, new ReplyHeader(Xid.Ping, Tree.LastProcessedZxid, ErrorCode.Ok));
                    break;
                case OpCode.CloseSession:
                    CloseLocalSession(channel, header); // it waited behind its session's writes, as a read does
                    break;
                case OpCode.Sync:
                    Send(channel, Reply(header.Xid), new PathResponse(PathRequest.Read(ref reader).Path));
                    break;
                case OpCode.Exists:
                    Send(channel, Reply(header.Xid), new StatResponse(Exists(channel, PathWatchRequest.Read(ref reader))));
                    break;
                case OpCode.GetData:
                    Send(channel, Reply(header.Xid), GetData(channel, PathWatchRequest.Read(ref reader)));
                    break;
                case OpCode.GetAcl:
                    Send(channel, Reply(header.Xid), GetAcl(channel, PathRequest.Read(ref reader).Path));
                    break;
                case OpCode.GetChildren:
                    Send(channel, Reply(header.Xid), new StringListResponse(GetChildren(channel, PathWatchRequest.Read(ref reader), out _)));
                    break;
                case OpCode.GetChildren2:
                {
                    var children = GetChildren(channel, PathWatchRequest.Read(ref reader), out var stat);
                    Send(channel, Reply(header.Xid), new GetChildren2Response(children, stat));
                    break;
                }

                case OpCode.GetAllChildrenNumber:
                {
                    string path = PathRequest.Read(ref reader).Path;
                    var node = Tree.GetNode(path) ?? throw new KeeperException(ErrorCode.NoNode, path);
                    Acl.CheckAcl(node.Acl, Perms.Read, channel.AuthInfo, path);
                    Send(channel, Reply(header.Xid), new IntResponse(Tree.GetAllChildrenNumber(path)));
                    break;
                }

                case OpCode.SetWatches or OpCode.SetWatches2:
                {
                    var request = SetWatchesRequest.Read(ref reader, header.Type == OpCode.SetWatches2);
                    Tree.SetWatches(request.RelativeZxid, request, channel, Tree.LastProcessedZxid);
                    Send(channel, Reply(header.Xid));
                    break;
                }

                case OpCode.CheckWatches:
                {
                    var request = WatchesRequest.Read(ref reader);
                    if (!Tree.ContainsWatcher(request.Path, request.Type, channel))
                    {
                        throw new KeeperException(ErrorCode.NoWatcher, request.Path);
                    }

                    Send(channel, Reply(header.Xid));
                    break;
                }

                case OpCode.RemoveWatches:
                {
                    var request = WatchesRequest.Read(ref reader);
                    if (!Tree.RemoveWatch(request.Path, request.Type, channel))
                    {
                        throw new KeeperException(ErrorCode.NoWatcher, request.Path);
                    }

                    Send(channel, Reply(header.Xid));
                    break;
                }

                case OpCode.AddWatch:
                {
                    var request = AddWatchRequest.Read(ref reader);
                    Tree.AddPersistentWatch(request.Path, channel, request.Mode);
                    Send(channel, Reply(header.Xid), new IntResponse(0));
                    break;
                }

                case OpCode.GetEphemerals:
                    Send(channel, Reply(header.Xid), new StringListResponse(GetEphemerals(channel.SessionId, PathRequest.Read(ref reader).Path)));
                    break;
                case OpCode.WhoAmI:
                    Send(channel, Reply(header.Xid), new WhoAmIResponse(WhoAmI(channel.AuthInfo)));
                    break;
                case OpCode.MultiRead:
                    Send(channel, Reply(header.Xid), MultiRead(channel, body));
                    break;
            }
        }
        catch (KeeperException e)
        {
            Log.RequestFailed(_logger, channel.SessionId, header.Xid, header.Type, e.Code);
            Send(channel, Reply(header.Xid, e.Code));
        }
        catch (JuteException e)
        {
            Log.MalformedRequest(_logger, channel.SessionId, header.Type, e.Message);
            Send(channel, Reply(header.Xid, ErrorCode.MarshallingError));
        }
    }

    /// <summary>exists: sets its watch even when the node is missing (then it fires on creation) and answers NONODE.
    /// No ACL is checked: ZooKeeper 3.8's FinalRequestProcessor answers exists for anyone (a node's existence and
    /// stat are not protected), and Curator, kazoo and the C client rely on it.</summary>
    private Stat Exists(IClientChannel channel, in PathWatchRequest request)
    {
        if (request.Path.Contains('\0', StringComparison.Ordinal))
        {
            throw new KeeperException(ErrorCode.BadArguments, request.Path);
        }

        var node = Tree.StatNode(request.Path, request.Watch ? channel : null);
        return node?.ToStat() ?? throw new KeeperException(ErrorCode.NoNode, request.Path);
    }

    private GetDataResponse GetData(IClientChannel channel, in PathWatchRequest request)
    {
        var node = Tree.GetNode(request.Path) ?? throw new KeeperException(ErrorCode.NoNode, request.Path);
        Acl.CheckAcl(node.Acl, Perms.Read, channel.AuthInfo, request.Path);
        Tree.GetData(request.Path, request.Watch ? channel : null);
        return new GetDataResponse(node.Data, node.ToStat());
    }

    private IReadOnlyList<string> GetChildren(IClientChannel channel, in PathWatchRequest request, out Stat stat)
    {
        var node = Tree.GetNode(request.Path) ?? throw new KeeperException(ErrorCode.NoNode, request.Path);
        Acl.CheckAcl(node.Acl, Perms.Read, channel.AuthInfo, request.Path);
        Tree.GetChildren(request.Path, request.Watch ? channel : null);
        stat = node.ToStat();
        return [.. node.Children];
    }

    /// <summary>getACL needs READ or ADMIN; without ADMIN, digest ids are shown with their hash hidden (<c>user:x</c>).</summary>
    private GetAclResponse GetAcl(IClientChannel channel, string path)
    {
        var node = Tree.GetNode(path) ?? throw new KeeperException(ErrorCode.NoNode, path);
        Acl.CheckAcl(node.Acl, Perms.Read | Perms.Admin, channel.AuthInfo, path);
        if (Acl.IsAllowed(node.Acl, Perms.Admin, channel.AuthInfo))
        {
            return new GetAclResponse(node.Acl, node.ToStat());
        }

        var redacted = node.Acl
            .Select(a => a.Id.Scheme == "digest" ? a with { Id = a.Id with { Ident = RedactDigest(a.Id.Ident) } } : a)
            .ToList();
        return new GetAclResponse(redacted, node.ToStat());
    }

    private static string RedactDigest(string id)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? id : id[..(colon + 1)] + "x";
    }

    private List<string> GetEphemerals(long sessionId, string? prefixPath)
    {
        var all = Tree.GetEphemerals(sessionId);
        if (string.IsNullOrWhiteSpace(prefixPath) || prefixPath.Trim() == "/")
        {
            return [.. all];
        }

        return all.Where(p => p.StartsWith(prefixPath, StringComparison.Ordinal)).ToList();
    }

    /// <summary>whoAmI lists each identity as a scheme and user; for digest the user is the name before the hash.</summary>
    private static List<ClientInfo> WhoAmI(IReadOnlyList<Id> authInfo) =>
        authInfo.Select(id => new ClientInfo(
            id.Scheme,
            id.Scheme == "digest" && id.Ident.Contains(':', StringComparison.Ordinal) ? id.Ident[..id.Ident.IndexOf(':', StringComparison.Ordinal)] : id.Ident))
        .ToList();

    /// <summary>multiRead: each read answers on its own; one failing does not fail the others.</summary>
    private MultiReadResponse MultiRead(IClientChannel channel, ReadOnlySpan<byte> body)
    {
        var ops = MultiRequest.Read(body);
        var results = new List<MultiReadResult>(ops.Count);
        foreach (var op in ops)
        {
            try
            {
                var reader = new JuteReader(op.Body.Span);
                var request = PathWatchRequest.Read(ref reader);
                results.Add(op.Type == OpCode.GetData
                    ? new MultiReadResult(OpCode.GetData, ErrorCode.Ok, GetData(channel, request), null)
                    : new MultiReadResult(OpCode.GetChildren, ErrorCode.Ok, default, GetChildren(channel, request, out _)));
            }
            catch (KeeperException e)
            {
                results.Add(new MultiReadResult(OpCode.Error, e.Code, default, null));
            }
        }

        return new MultiReadResponse(results);
    }

    private readonly record struct MultiReadResult(OpCode Type, ErrorCode Err, GetDataResponse Data, IReadOnlyList<string>? Children);

    private readonly record struct MultiReadResponse(IReadOnlyList<MultiReadResult> Results) : IJuteRecord<MultiReadResponse>
    {
        public static MultiReadResponse Read(ref JuteReader reader) => throw new NotSupportedException("the server never reads a multi response");

        public void Write(in JuteWriter writer)
        {
            foreach (var result in Results)
            {
                new MultiHeader(result.Type, false, result.Err).Write(writer);
                switch (result.Type)
                {
                    case OpCode.GetData:
                        result.Data.Write(writer);
                        break;
                    case OpCode.GetChildren:
                        writer.WriteStringVector(result.Children);
                        break;
                    default:
                        writer.WriteInt((int)result.Err);
                        break;
                }
            }

            MultiHeader.End.Write(writer);
        }
    }
}
