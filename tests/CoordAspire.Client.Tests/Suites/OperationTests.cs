using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client.Tests;

/// <summary>Every single operation and create mode, with ZooKeeper's answers and errors.</summary>
public abstract class OperationTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Create_get_set_delete_round_trip()
    {
        string path = await Client.CreateAsync(P("a"), Bytes("hello"));
        Assert.Equal(P("a"), path);

        var (data, stat) = await Client.GetDataAsync(path);
        Assert.Equal("hello", Text(data));
        Assert.Equal(0, stat.Version);
        Assert.Equal(5, stat.DataLength);
        Assert.Equal(0L, stat.EphemeralOwner);

        var updated = await Client.SetDataAsync(path, Bytes("world"), version: 0);
        Assert.Equal(1, updated.Version);
        Assert.Equal(stat.Czxid, updated.Czxid);
        Assert.True(updated.Mzxid > stat.Mzxid);

        await Client.DeleteAsync(path, version: 1);
        Assert.Null(await Client.ExistsAsync(path));
    }

    [Fact]
    public async Task Errors_are_typed_and_carry_the_path()
    {
        var noNode = await Assert.ThrowsAsync<NoNodeException>(async () => await Client.GetDataAsync(P("missing")));
        Assert.Equal(ErrorCode.NoNode, noNode.Code);
        Assert.Equal(P("missing"), noNode.Path);

        await Client.CreateAsync(P("x"));
        var exists = await Assert.ThrowsAsync<NodeExistsException>(async () => await Client.CreateAsync(P("x")));
        Assert.Equal(P("x"), exists.Path);

        await Assert.ThrowsAsync<BadVersionException>(async () => await Client.SetDataAsync(P("x"), Bytes("v"), version: 7));
        await Assert.ThrowsAsync<BadVersionException>(async () => await Client.DeleteAsync(P("x"), version: 7));

        await Client.CreateAsync(P("x/child"));
        await Assert.ThrowsAsync<NotEmptyException>(async () => await Client.DeleteAsync(P("x")));
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.CreateAsync(P("nope/child")));
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.DeleteAsync(P("missing")));

        await Client.CreateAsync(P("eph"), mode: CreateMode.Ephemeral);
        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(async () => await Client.CreateAsync(P("eph/child")));
    }

    [Fact]
    public async Task Invalid_arguments_are_refused_before_sending()
    {
        Assert.Throws<ArgumentException>(() => Discard(Client.CreateAsync("no-slash")));
        Assert.Throws<ArgumentException>(() => Discard(Client.GetDataAsync(Root + "/")));
        Assert.Throws<ArgumentException>(() => Discard(Client.ExistsAsync(Root + "//a")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(Client.CreateAsync(P("t"), mode: CreateMode.PersistentWithTtl)));
        Assert.Throws<ArgumentException>(() => Discard(Client.CreateAsync(P("t"), ttl: 1000)));
        Assert.Throws<InvalidAclException>(() => Discard(Client.CreateAsync(P("t"), acl: [])));
        // A sequential create may end in '/': the server appends the counter.
        string seq = await Client.CreateAsync(Root + "/", mode: CreateMode.PersistentSequential);
        Assert.Matches(@"/\d{10}$", seq);
    }

    [Fact]
    public async Task Every_create_mode()
    {
        Assert.Equal(P("p"), await Client.CreateAsync(P("p"), mode: CreateMode.Persistent));

        string eph = await Client.CreateAsync(P("e"), mode: CreateMode.Ephemeral);
        Assert.Equal(Client.SessionId, (await Client.ExistsAsync(eph))!.Value.EphemeralOwner);

        string ps1 = await Client.CreateAsync(P("ps-"), mode: CreateMode.PersistentSequential);
        string ps2 = await Client.CreateAsync(P("ps-"), mode: CreateMode.PersistentSequential);
        Assert.Matches(@"/ps-\d{10}$", ps1);
        Assert.True(string.CompareOrdinal(ps1, ps2) < 0);

        string es = await Client.CreateAsync(P("es-"), mode: CreateMode.EphemeralSequential);
        Assert.Matches(@"/es-\d{10}$", es);
        Assert.Equal(Client.SessionId, (await Client.ExistsAsync(es))!.Value.EphemeralOwner);

        // Containers and TTL nodes are marked in the stored ephemeralOwner, but clients are shown 0
        // (DataTree.getClientEphemeralOwner).
        string container = await Client.CreateAsync(P("c"), mode: CreateMode.Container);
        Assert.Equal(P("c"), container);
        Assert.Equal(0L, (await Client.ExistsAsync(container))!.Value.EphemeralOwner);

        string ttl = await Client.CreateAsync(P("t"), Bytes("x"), CreateMode.PersistentWithTtl, ttl: 60_000);
        Assert.Equal(P("t"), ttl);
        string ttlSeq = await Client.CreateAsync(P("ts-"), mode: CreateMode.PersistentSequentialWithTtl, ttl: 60_000);
        Assert.Matches(@"/ts-\d{10}$", ttlSeq);
        Assert.Equal(0L, (await Client.ExistsAsync(ttl))!.Value.EphemeralOwner);
        Assert.Equal(1, (await Client.ExistsAsync(ttl))!.Value.DataLength);
    }

    [Fact]
    public async Task Create_with_stat_returns_the_new_stat_for_every_opcode()
    {
        var (path, stat) = await Client.CreateWithStatAsync(P("s"), Bytes("abc"));
        Assert.Equal(P("s"), path);
        Assert.Equal(3, stat.DataLength);
        Assert.Equal(stat, (await Client.ExistsAsync(path))!.Value);

        var (cpath, cstat) = await Client.CreateWithStatAsync(P("c"), mode: CreateMode.Container);
        Assert.Equal(P("c"), cpath);
        Assert.Equal(cstat, (await Client.ExistsAsync(cpath))!.Value);

        var (tpath, tstat) = await Client.CreateWithStatAsync(P("t-"), mode: CreateMode.PersistentSequentialWithTtl, ttl: 30_000);
        Assert.StartsWith(P("t-"), tpath, StringComparison.Ordinal);
        Assert.True(tstat.Czxid > 0);
    }

    [Fact]
    public async Task Empty_container_is_reaped_after_its_last_child_goes()
    {
        await Client.CreateAsync(P("c"), mode: CreateMode.Container);
        await Client.CreateAsync(P("c/child"));
        await Client.DeleteAsync(P("c/child"));
        var deadline = DateTime.UtcNow + Timeout;
        while (await Client.ExistsAsync(P("c")) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the container was not deleted");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Ephemerals_go_with_their_session()
    {
        var other = await ConnectAsync();
        await other.CreateAsync(P("e1"), mode: CreateMode.Ephemeral);
        await other.CreateAsync(P("e2"), mode: CreateMode.EphemeralSequential);
        var mine = await other.GetEphemeralsAsync(Root);
        Assert.Equal(2, mine.Count);
        Assert.All(mine, p => Assert.StartsWith(Root + "/e", p, StringComparison.Ordinal));
        Assert.Empty(await Client.GetEphemeralsAsync(Root));

        await other.CloseAsync();
        Assert.Equal(ConnectionState.Closed, other.State);
        Assert.Empty(await Client.GetChildrenAsync(Root));
    }

    [Fact]
    public async Task Children_counts_and_children2()
    {
        await Client.CreateAsync(P("a"));
        await Client.CreateAsync(P("b"));
        await Client.CreateAsync(P("a/x"));
        await Client.CreateAsync(P("a/x/y"));

        var children = await Client.GetChildrenAsync(Root);
        Assert.Equal(["a", "b"], children.Order(StringComparer.Ordinal));

        var (again, stat) = await Client.GetChildrenWithStatAsync(Root);
        Assert.Equal(2, again.Count);
        Assert.Equal(2, stat.NumChildren);
        Assert.Equal(2, stat.Cversion);

        Assert.Equal(4, await Client.GetAllChildrenNumberAsync(Root));
        Assert.Equal(0, await Client.GetAllChildrenNumberAsync(P("b")));
        Assert.Empty(await Client.GetChildrenAsync(P("b")));
        await Assert.ThrowsAsync<NoNodeException>(async () => await Client.GetChildrenAsync(P("zzz")));
    }

    [Fact]
    public async Task Exists_returns_null_for_a_missing_node_and_the_stat_otherwise()
    {
        Assert.Null(await Client.ExistsAsync(P("none")));
        await Client.CreateAsync(P("here"), Bytes("12"));
        var stat = await Client.ExistsAsync(P("here"));
        Assert.NotNull(stat);
        Assert.Equal(2, stat.Value.DataLength);
    }

    [Fact]
    public async Task Acls_get_and_set_with_versions()
    {
        await Client.CreateAsync(P("n"), acl: Acls.ReadAclUnsafe.Concat([new Acl(Perms.Admin, Id.Anyone)]).ToList());
        var (acl, stat) = await Client.GetAclAsync(P("n"));
        Assert.Equal(2, acl.Count);
        Assert.Equal(0, stat.Aversion);

        var after = await Client.SetAclAsync(P("n"), Acls.OpenAclUnsafe, aclVersion: 0);
        Assert.Equal(1, after.Aversion);
        Assert.Equal(Acls.OpenAclUnsafe, (await Client.GetAclAsync(P("n"))).Acl);
        await Assert.ThrowsAsync<BadVersionException>(async () => await Client.SetAclAsync(P("n"), Acls.OpenAclUnsafe, aclVersion: 0));

        await Client.CreateAsync(P("ro"), acl: Acls.ReadAclUnsafe);
        await Assert.ThrowsAsync<NoAuthException>(async () => await Client.SetDataAsync(P("ro"), Bytes("x")));
    }

    [Fact]
    public async Task Digest_auth_grants_access_and_whoami_reports_it()
    {
        var acl = new List<Acl> { DigestAuth.Acl("alice", "secret") };
        var alice = await ConnectAsync();
        await alice.AddAuthAsync(DigestAuth.Scheme, DigestAuth.Credentials("alice", "secret"));
        await alice.CreateAsync(P("private"), Bytes("x"), acl: acl);
        Assert.Equal("x", Text((await alice.GetDataAsync(P("private"))).Data));
        Assert.Contains(await alice.WhoAmIAsync(), info => info.AuthScheme == "digest" && info.User == "alice");

        await Assert.ThrowsAsync<NoAuthException>(async () => await Client.GetDataAsync(P("private")));

        var bob = await ConnectAsync();
        await bob.AddAuthAsync(DigestAuth.Scheme, DigestAuth.Credentials("alice", "wrong"));
        await Assert.ThrowsAsync<NoAuthException>(async () => await bob.GetDataAsync(P("private")));

        // "auth" ACLs name whoever the creating session is authenticated as.
        await alice.CreateAsync(P("mine"), acl: Acls.CreatorAllAcl);
        var (actual, _) = await alice.GetAclAsync(P("mine"));
        Assert.Equal(DigestAuth.Id("alice", "secret"), Assert.Single(actual).Id);

        // An unauthenticated session may not use the "auth" ACL.
        await Assert.ThrowsAsync<InvalidAclException>(async () => await Client.CreateAsync(P("nobody"), acl: Acls.CreatorAllAcl));
    }

    /// <summary>
    /// Each opcode is checked for the permission ZooKeeper 3.8 checks it for (PrepRequestProcessor for the writes,
    /// FinalRequestProcessor for the reads), and nothing more: exists, sync, the watch calls and getEphemerals are
    /// answered without an ACL check, which Curator, kazoo and the C client rely on; a watch event reaches only a
    /// session that may read the node.
    /// </summary>
    [Fact]
    public async Task Every_opcode_is_acl_checked_as_zookeeper_checks_it_and_exists_is_not_checked()
    {
        var alice = await ConnectAsync();
        await alice.AddAuthAsync(DigestAuth.Scheme, DigestAuth.Credentials("alice", "secret"));
        var acl = new List<Acl> { DigestAuth.Acl("alice", "secret") };
        await alice.CreateAsync(P("p"), Bytes("secret"), acl: acl);
        await alice.CreateAsync(P("p/child"), acl: acl);
        var anonymous = Client;

        // Not checked: the node's existence and stat are anyone's, and a watch may be set on it.
        var stat = await anonymous.ExistsAsync(P("p"));
        Assert.NotNull(stat);
        Assert.Equal(1, stat.Value.NumChildren);
        await anonymous.SyncAsync(P("p"));
        await anonymous.AddWatchAsync(P("p/child"), AddWatchMode.Persistent, _ => { });
        await anonymous.RemoveAllWatchesAsync(P("p/child"), WatcherType.Any);
        Assert.Empty(await anonymous.GetEphemeralsAsync(P("p")));
        var changed = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.NotNull(await anonymous.ExistsAsync(P("p"), e => changed.TrySetResult(e)));

        // READ
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.GetDataAsync(P("p")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.GetChildrenAsync(P("p")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.GetChildrenWithStatAsync(P("p")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.GetAllChildrenNumberAsync(P("p")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.Transaction().Check(P("p"), 0).CommitAsync());
        // READ or ADMIN
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.GetAclAsync(P("p")));
        // WRITE, ADMIN, CREATE and DELETE (the last two on the parent)
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.SetDataAsync(P("p"), Bytes("x")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.SetAclAsync(P("p"), Acls.OpenAclUnsafe));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.CreateAsync(P("p/other")));
        await Assert.ThrowsAsync<NoAuthException>(async () => await anonymous.DeleteAsync(P("p/child")));

        // The watch exists set is there, but its event is not delivered to a session that may not read the node
        // (ServerCnxn.process since CVE-2024-23944): a later change to an open node arrives, and that one did not.
        await alice.CreateAsync(P("open"));
        var open = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.NotNull(await anonymous.ExistsAsync(P("open"), e => open.TrySetResult(e)));
        await alice.SetDataAsync(P("p"), Bytes("changed"));
        await alice.SetDataAsync(P("open"), Bytes("changed"));
        Assert.Equal(EventType.NodeDataChanged, (await open.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
        Assert.False(changed.Task.IsCompleted, "the session heard of a change to a node it may not read");

        // Alice, who may read it, hears of her own change.
        var mine = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await alice.ExistsAsync(P("p"), e => mine.TrySetResult(e));
        await alice.SetDataAsync(P("p"), Bytes("again"));
        Assert.Equal(EventType.NodeDataChanged, (await mine.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
    }

    [Fact]
    public async Task Sync_and_whoami_work_without_auth()
    {
        await Client.SyncAsync(Root);
        await Client.SyncAsync();
        var identities = await Client.WhoAmIAsync();
        Assert.Contains(identities, info => info.AuthScheme == "ip");
    }

    [Fact]
    public async Task Large_data_crosses_frames()
    {
        var data = new byte[900_000];
        new Random(7).NextBytes(data);
        await Client.CreateAsync(P("big"), data);
        var (read, stat) = await Client.GetDataAsync(P("big"));
        Assert.Equal(data.Length, stat.DataLength);
        Assert.Equal(data, read);
    }

    [Fact]
    public async Task Cancellation_abandons_the_wait_but_the_client_stays_usable()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Client.CreateAsync(P("never"), cancellationToken: cts.Token));
        Assert.Null(await Client.ExistsAsync(P("never")));

        // Cancel many in flight; whatever the server did, the pipeline stays in step.
        using var soon = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, 200).Select(i => Client.CreateAsync(P($"n{i}"), cancellationToken: soon.Token).AsTask()).ToList();
        await soon.CancelAsync();
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
        }

        int created = (await Client.GetChildrenAsync(Root)).Count;
        Assert.InRange(created, 0, 200);
        Assert.Equal("ok", Text((await Client.GetDataAsync(await Client.CreateAsync(P("after"), Bytes("ok")))).Data));
    }
}
