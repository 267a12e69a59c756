using CoordAspire.Database.Auth;
using CoordAspire.Database.Sessions;
using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Database.Processing;

/// <summary>
/// The standalone server's request processor chain (ZooKeeper's Prep → Sync → Final processors) as one
/// deterministic object: a request goes in, is prepared into a transaction, applied to the tree, and its reply and
/// the watch events it fires go out through the client's <see cref="IClientChannel"/>. It owns no thread, clock,
/// socket or disk: the edge calls it from one thread and sets <see cref="Now"/> before each call.
/// </summary>
/// <remarks>
/// Because one thread applies every transaction and writes every reply and event in order, a client always
/// receives a watch event before the reply to any request it sent after the change (ZooKeeper's ordering
/// guarantee), and each session's requests complete in the order sent.
/// </remarks>
public sealed partial class RequestProcessor
{
    private readonly ServerSettings _settings;
    private readonly ILogger _logger;
    private readonly RequestPreparer _preparer;
    private readonly StandaloneZxids _standaloneZxids = new(0);
    private readonly Dictionary<long, IClientChannel> _channelsBySession = [];
    private long _nextContainerCheck;

    public RequestProcessor(ServerSettings settings, ServerTime now, ILogger? logger = null)
    {
        _settings = settings;
        _logger = logger ?? NullLogger.Instance;
        Now = now;
        Tree = new DataTree(settings.ExtendedTypesEnabled);
        Sessions = new SessionTracker(settings.ServerId, settings.TickTime, now.ElapsedMs);
        Acl = new AclChecker();

        // A client hears of a change only to a node it may read (ZooKeeper's ServerCnxn.process since CVE-2024-23944).
        Func<Watches.IWatcher, IReadOnlyList<Acl>, bool> mayRead = (watcher, acl) => watcher is not IClientChannel channel || Acl.IsAllowed(acl, Perms.Read, channel.AuthInfo);
        Tree.DataWatches.DeliveryFilter = mayRead;
        Tree.ChildWatches.DeliveryFilter = mayRead;
        _preparer = new RequestPreparer(Tree, Sessions, Acl, settings, _standaloneZxids);
        _nextContainerCheck = now.ElapsedMs + settings.ContainerCheckIntervalMs;
    }

    public DataTree Tree { get; }

    public SessionTracker Sessions { get; }

    public AclChecker Acl { get; }

    public ServerSettings Settings => _settings;

    /// <summary>Set by the edge before each call.</summary>
    public ServerTime Now { get; set; }

    /// <summary>Counters for the four-letter words and metrics.</summary>
    public ServerStatistics Statistics { get; } = new();

    /// <summary>The connections that currently hold a session.</summary>
    public IReadOnlyCollection<IClientChannel> Channels => _channelsBySession.Values;

    /// <summary>The connection holding a session, if any.</summary>
    public IClientChannel? GetChannel(long sessionId) => _channelsBySession.GetValueOrDefault(sessionId);

    /// <summary>
    /// A connection closed (or the edge closed it): its watches go, its session stays until it expires or the
    /// client resumes it on another connection.
    /// </summary>
    public void ConnectionClosed(IClientChannel channel)
    {
        Tree.RemoveWatcher(channel);
        if (channel.SessionId != 0 && _channelsBySession.TryGetValue(channel.SessionId, out var current) && ReferenceEquals(current, channel))
        {
            _channelsBySession.Remove(channel.SessionId);
        }
    }

    private void Send(IClientChannel channel, in ReplyHeader header)
    {
        Statistics.PacketsSent++;
        channel.SendReply(header);
    }

    private void Send<T>(IClientChannel channel, in ReplyHeader header, in T body) where T : struct, Protocol.Jute.IJuteRecord<T>
    {
        Statistics.PacketsSent++;
        channel.SendReply(header, body);
    }

    private ReplyHeader Reply(int xid, ErrorCode err = ErrorCode.Ok) => new(xid, Tree.LastProcessedZxid, err);
}
