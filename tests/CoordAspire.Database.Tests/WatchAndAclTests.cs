using CoordAspire.Database.Auth;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

public class WatchAndAclTests
{
    private readonly ProcessorHarness _harness = new();

    [Fact]
    public void One_shot_data_watch_fires_once_and_before_the_next_reply()
    {
        var watcher = _harness.Connect();
        var writer = _harness.Connect();
        _harness.Create(writer, "/w", "1");
        _harness.Send(watcher, OpCode.GetData, new PathWatchRequest("/w", true));
        _harness.Send(writer, OpCode.SetData, new SetDataRequest("/w", "2"u8.ToArray(), -1));
        _harness.Send(writer, OpCode.SetData, new SetDataRequest("/w", "3"u8.ToArray(), -1));
        _harness.Send(watcher, OpCode.Exists, new PathWatchRequest("/w", false));
        Assert.Equal(["reply 2 Ok", "event NodeDataChanged /w", "reply 5 Ok"], watcher.Frames);
        Assert.Single(watcher.Events);
    }

    [Fact]
    public void Exists_watch_on_a_missing_node_fires_on_creation()
    {
        var watcher = _harness.Connect();
        Assert.Equal(ErrorCode.NoNode, _harness.Send(watcher, OpCode.Exists, new PathWatchRequest("/later", true)).Header.Err);
        _harness.Create(_harness.Connect(), "/later");
        Assert.Equal(new WatcherEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/later"), Assert.Single(watcher.Events));
    }

    [Fact]
    public void A_watch_event_reaches_only_a_session_that_may_read_the_node_and_the_watch_is_used_up_either_way()
    {
        var stranger = _harness.Connect();
        var owner = _harness.Connect();
        _harness.Create(owner, "/hidden", acl: [new Acl(Perms.Write | Perms.Delete | Perms.Admin, Id.Anyone)]);
        Assert.Equal(ErrorCode.Ok, _harness.Send(stranger, OpCode.Exists, new PathWatchRequest("/hidden", true)).Header.Err);

        _harness.Send(owner, OpCode.SetData, new SetDataRequest("/hidden", [1], -1));
        Assert.Empty(stranger.Events);

        // The one-shot watch was consumed: making the node readable and changing it again tells nothing either.
        _harness.Send(owner, OpCode.SetAcl, new SetAclRequest("/hidden", [new Acl(Perms.All, Id.Anyone)], -1));
        _harness.Send(owner, OpCode.SetData, new SetDataRequest("/hidden", [2], -1));
        Assert.Empty(stranger.Events);

        Assert.Equal(ErrorCode.Ok, _harness.Send(stranger, OpCode.Exists, new PathWatchRequest("/hidden", true)).Header.Err);
        _harness.Send(owner, OpCode.SetData, new SetDataRequest("/hidden", [3], -1));
        Assert.Equal(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/hidden"), Assert.Single(stranger.Events));
    }

    [Fact]
    public void Delete_notifies_data_watch_then_parent_child_watch()
    {
        var watcher = _harness.Connect();
        var writer = _harness.Connect();
        _harness.Create(writer, "/p");
        _harness.Create(writer, "/p/c");
        _harness.Send(watcher, OpCode.GetData, new PathWatchRequest("/p/c", true));
        _harness.Send(watcher, OpCode.GetChildren, new PathWatchRequest("/p/c", true));
        _harness.Send(watcher, OpCode.GetChildren, new PathWatchRequest("/p", true));
        _harness.Send(writer, OpCode.Delete, new DeleteRequest("/p/c", -1));
        Assert.Equal(
            [new(EventType.NodeDeleted, KeeperState.SyncConnected, "/p/c"), new(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/p")],
            watcher.Events);
    }

    [Fact]
    public void Persistent_recursive_watch_sees_every_change_below_and_stays()
    {
        var watcher = _harness.Connect();
        var writer = _harness.Connect();
        _harness.Send(watcher, OpCode.AddWatch, new AddWatchRequest("/r", AddWatchMode.PersistentRecursive));
        _harness.Create(writer, "/r");
        _harness.Create(writer, "/r/a");
        _harness.Send(writer, OpCode.SetData, new SetDataRequest("/r/a", [1], -1));
        _harness.Send(writer, OpCode.Delete, new DeleteRequest("/r/a", -1));
        Assert.Equal(
            [(EventType.NodeCreated, "/r"), (EventType.NodeCreated, "/r/a"), (EventType.NodeDataChanged, "/r/a"), (EventType.NodeDeleted, "/r/a")],
            watcher.Events.Select(e => (e.Type, e.Path)));
        Assert.Equal(ErrorCode.Ok, _harness.Send(watcher, OpCode.CheckWatches, new WatchesRequest("/r", WatcherType.PersistentRecursive)).Header.Err);
        Assert.Equal(ErrorCode.Ok, _harness.Send(watcher, OpCode.RemoveWatches, new WatchesRequest("/r", WatcherType.Any)).Header.Err);
        Assert.Equal(ErrorCode.NoWatcher, _harness.Send(watcher, OpCode.RemoveWatches, new WatchesRequest("/r", WatcherType.Any)).Header.Err);
    }

    [Fact]
    public void SetWatches_fires_what_was_missed_and_registers_the_rest()
    {
        var writer = _harness.Connect();
        _harness.Create(writer, "/changed", "a");
        _harness.Create(writer, "/same", "a");
        long seen = _harness.Processor.Tree.LastProcessedZxid;
        _harness.Send(writer, OpCode.SetData, new SetDataRequest("/changed", [2], -1));
        _harness.Create(writer, "/born");

        var client = _harness.Connect();
        _harness.Send(client, OpCode.SetWatches2, new SetWatchesProbe(new SetWatchesRequest(seen, ["/changed", "/same", "/gone"], ["/born"], [], [], [])));
        Assert.Equal(
            [(EventType.NodeDataChanged, "/changed"), (EventType.NodeDeleted, "/gone"), (EventType.NodeCreated, "/born")],
            client.Events.Select(e => (e.Type, e.Path)));
        _harness.Send(writer, OpCode.SetData, new SetDataRequest("/same", [3], -1));
        Assert.Equal((EventType.NodeDataChanged, "/same"), (client.Events[^1].Type, client.Events[^1].Path));
    }

    [Fact]
    public void Digest_acl_is_enforced_and_auth_expands_to_the_callers_identity()
    {
        var owner = _harness.Connect();
        var stranger = _harness.Connect();
        Assert.Equal(ErrorCode.Ok, _harness.Send(owner, OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray())).Header.Err);
        Assert.Equal(ErrorCode.Ok, _harness.Create(owner, "/secret", "x", acl: [new Acl(Perms.All, new Id("auth", ""))]));

        var acl = _harness.Send(owner, OpCode.GetAcl, new PathRequest("/secret"));
        var response = ProcessorHarness.Decode(acl.Body, GetAclResponse.Read);
        Assert.Equal(new Acl(Perms.All, new Id("digest", DigestAuthenticationProvider.GenerateDigest("bob:secret"))), Assert.Single(response.Acl));

        Assert.Equal(ErrorCode.NoAuth, _harness.Send(stranger, OpCode.GetData, new PathWatchRequest("/secret", false)).Header.Err);
        Assert.Equal(ErrorCode.NoAuth, _harness.Send(stranger, OpCode.SetData, new SetDataRequest("/secret", [], -1)).Header.Err);
        Assert.Equal(ErrorCode.Ok, _harness.Send(owner, OpCode.GetData, new PathWatchRequest("/secret", false)).Header.Err);
        Assert.Equal(ErrorCode.InvalidAcl, _harness.Create(stranger, "/x", acl: [new Acl(Perms.All, new Id("auth", ""))]));
    }

    /// <summary>ZOOKEEPER-2590 proposed a READ check on exists; the 3.8 server (FinalRequestProcessor) has none, and
    /// the client suites check both servers agree (OperationTests).</summary>
    [Fact]
    public void Exists_is_answered_without_an_acl_check_as_ZooKeeper_3_8_answers_it()
    {
        var c = _harness.Connect();
        _harness.Create(c, "/none", acl: [new Acl(Perms.None, Id.Anyone)]);
        Assert.Equal(ErrorCode.Ok, _harness.Send(c, OpCode.Exists, new PathWatchRequest("/none", false)).Header.Err);
        Assert.Equal(ErrorCode.NoAuth, _harness.Send(c, OpCode.GetData, new PathWatchRequest("/none", false)).Header.Err);
    }

    [Fact]
    public void GetAcl_without_admin_hides_digest_hashes()
    {
        var owner = _harness.Connect();
        var digest = DigestAuthenticationProvider.GenerateDigest("bob:secret");
        _harness.Create(owner, "/r", acl: [new Acl(Perms.Read, Id.Anyone), new Acl(Perms.All, new Id("digest", digest))]);
        var reply = _harness.Send(_harness.Connect(), OpCode.GetAcl, new PathRequest("/r"));
        var acl = ProcessorHarness.Decode(reply.Body, GetAclResponse.Read).Acl;
        Assert.Contains(new Acl(Perms.All, new Id("digest", "bob:x")), acl);
    }

    [Fact]
    public void Ip_acl_matches_networks()
    {
        var ip = new IpAuthenticationProvider();
        Assert.True(ip.Matches("10.1.2.3", "10.0.0.0/8"));
        Assert.False(ip.Matches("11.1.2.3", "10.0.0.0/8"));
        Assert.True(ip.Matches("127.0.0.1", "127.0.0.1"));
        Assert.False(ip.IsValid("10.0.0/8"));
        Assert.False(ip.IsValid("10.0.0.0/33"));
    }

    [Fact]
    public void Failed_auth_is_answered_then_the_connection_closed()
    {
        var c = _harness.Connect();
        Assert.Equal(ErrorCode.AuthFailed, _harness.Send(c, OpCode.Auth, new AuthPacket(0, "kerberos", [])).Header.Err);
        Assert.NotNull(c.ClosedReason);
    }

    [Fact]
    public void WhoAmI_lists_ip_and_digest_users()
    {
        var c = _harness.Connect();
        _harness.Send(c, OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray()));
        var reply = _harness.Send(c, OpCode.WhoAmI, default(EmptyRecord));
        var infos = ProcessorHarness.Decode(reply.Body, WhoAmIResponse.Read).ClientInfo;
        Assert.Equal([new ClientInfo("ip", "127.0.0.1"), new ClientInfo("digest", "bob")], infos);
    }

    private readonly record struct SetWatchesProbe(SetWatchesRequest Request) : Protocol.Jute.IJuteRecord<SetWatchesProbe>
    {
        public static SetWatchesProbe Read(ref Protocol.Jute.JuteReader reader) => new(SetWatchesRequest.Read(ref reader, true));

        public void Write(in Protocol.Jute.JuteWriter writer) => Request.Write(writer, version2: true);
    }

    private readonly record struct EmptyRecord : Protocol.Jute.IJuteRecord<EmptyRecord>
    {
        public static EmptyRecord Read(ref Protocol.Jute.JuteReader reader) => default;

        public void Write(in Protocol.Jute.JuteWriter writer)
        {
        }
    }
}
