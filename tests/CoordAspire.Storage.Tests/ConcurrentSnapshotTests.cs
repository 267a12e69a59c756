using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CoordAspire.Storage.Tests.Support;

namespace CoordAspire.Storage.Tests;

/// <summary>
/// A snapshot written on its own thread while this thread, playing the request loop, keeps applying and logging
/// transactions to the very nodes being read: restoring that snapshot and replaying the log after its zxid must give
/// the live tree exactly (ZooKeeper's fuzzy snapshot; the argument is in DataTree.Snapshot.cs).
/// </summary>
public sealed class ConcurrentSnapshotTests
{
    private static readonly TxnLogOptions Fast = new() { PreAllocSize = 1024 * 1024, ForceSync = false };

    private static readonly IReadOnlyList<Acl>[] AclChoices =
    [
        Acls.OpenAclUnsafe, Acls.ReadAclUnsafe, Workload.Digest, Workload.Ip,
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task A_snapshot_written_off_the_loop_while_the_tree_changes_restores_with_the_log_to_the_live_tree(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        Workload live;
        SnapshotInfo fuzzy;
        int duringSnapshot = 0;
        using (var dataDir = new DataDirectory(
            dir.Path,
            logOptions: Fast,
            snapshotOptions: new SnapshotWriterOptions { Fsync = false, WriteSize = 4096 }))
        {
            live = new Workload((h, r) => dataDir.TxnLog.Append(h, r));
            dataDir.Restore(live.Tree, live.Sessions);
            var mutator = new Mutator(live, random);
            mutator.Build(parents: 40, childrenPerParent: 500);
            dataDir.TxnLog.Commit();

            // As DurableLog does: roll the log, capture on this thread, write on the snapshot's own.
            dataDir.TxnLog.RollLog();
            using var writer = dataDir.BeginSnapshot(live.Tree, live.Sessions);
            var completing = writer.CompleteAsync();
            while (!completing.IsCompleted)
            {
                for (int i = 0; i < 16; i++)
                {
                    mutator.RandomOperation();
                    duringSnapshot++;
                }

                dataDir.TxnLog.Commit();
            }

            fuzzy = await completing;
            Assert.Equal(writer.TotalNodes, fuzzy.NodeCount);
            for (int i = 0; i < 200; i++)
            {
                mutator.RandomOperation();
            }

            dataDir.TxnLog.Commit();
        }

        Assert.True(duringSnapshot > 0, "no transaction was applied while the snapshot was being written");
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "version-2"), "tmp.*"));

        using var restoreDir = new DataDirectory(dir.Path, logOptions: Fast);
        var tree = new DataTree(extendedTypesEnabled: true);
        var sessions = new Dictionary<long, int>();
        var result = restoreDir.Restore(tree, sessions);
        Assert.Equal(fuzzy.Path, result.Snapshot);
        Assert.True(result.TxnsReplayed >= duringSnapshot, $"{result.TxnsReplayed} txns replayed, {duringSnapshot} applied during the snapshot");
        TreeAssert.Equal(live.Tree, tree);
        TreeAssert.SessionsEqual(live.Sessions, sessions);
    }

    /// <summary>
    /// Random transactions over a big tree without listing it each time (Workload.RandomOperation does, which is
    /// fine for 100 nodes, not for 20,000): setData above all, creates and deletes under the same parents (their
    /// cversion and pzxid), ACL changes, sessions opening and closing with ephemerals, deletes and re-creates of a
    /// path, multis.
    /// </summary>
    private sealed class Mutator(Workload live, Random random)
    {
        private readonly List<string> _parents = [];
        private readonly List<string> _paths = [];
        private readonly List<string> _deleted = [];
        private readonly List<long> _sessions = [];
        private int _next;

        public void Build(int parents, int childrenPerParent)
        {
            for (int s = 0; s < 4; s++)
            {
                _sessions.Add(live.CreateSession(0x1000 + s));
            }

            for (int p = 0; p < parents; p++)
            {
                var parent = live.Create($"/p{p:D3}", Data(), Acl());
                _parents.Add(parent);
                for (int c = 0; c < childrenPerParent; c++)
                {
                    _paths.Add(live.Create($"{parent}/c{c:D4}", Data(), Acl()));
                }
            }
        }

        public void RandomOperation()
        {
            switch (random.Next(20))
            {
                case < 8:
                    if (Pick() is { } set)
                    {
                        live.SetData(set, Data());
                    }

                    break;
                case < 10:
                    live.SetData(_parents[random.Next(_parents.Count)], Data());
                    break;
                case < 13:
                {
                    var parent = _parents[random.Next(_parents.Count)];
                    long owner = random.Next(4) == 0 ? _sessions[random.Next(_sessions.Count)] : 0;
                    _paths.Add(live.Create($"{parent}/n{_next++}-", Data(), Acl(), owner, sequential: random.Next(2) == 0));
                    break;
                }

                case < 16:
                    if (Pick() is { } victim)
                    {
                        live.Delete(victim);
                        _deleted.Add(victim);
                    }

                    break;
                case 16:
                    if (Pick() is { } secured)
                    {
                        live.SetAcl(secured, random.Next(3) == 0
                            ? [new Acl(Perms.Read, new Id("digest", "user" + random.Next(1_000_000) + ":x"))] // never seen before
                            : Acl());
                    }

                    break;
                case 17:
                    // Re-create a path deleted earlier: the snapshot may hold the old node, replay must end with the new.
                    if (_deleted.Count > 0)
                    {
                        int i = random.Next(_deleted.Count);
                        var again = _deleted[i];
                        _deleted.RemoveAt(i);
                        if (live.Tree.GetNode(again) is null)
                        {
                            _paths.Add(live.Create(again, Data(), Acl()));
                        }
                    }

                    break;
                case 18:
                    if (random.Next(2) == 0 && _sessions.Count > 1)
                    {
                        int i = random.Next(_sessions.Count);
                        live.CloseSession(_sessions[i]);
                        _sessions.RemoveAt(i);
                    }
                    else
                    {
                        _sessions.Add(live.CreateSession(0x2000 + _next++));
                    }

                    break;
                default:
                    live.MultiCreateAndSet($"{_parents[random.Next(_parents.Count)]}/m{_next++}", Data() ?? []);
                    break;
            }
        }

        /// <summary>A random existing leaf, forgetting the paths met on the way that are gone (a closed session's ephemerals).</summary>
        private string? Pick()
        {
            while (_paths.Count > 0)
            {
                int i = random.Next(_paths.Count);
                var path = _paths[i];
                if (live.Tree.GetNode(path) is { ChildCount: 0 })
                {
                    return path;
                }

                _paths[i] = _paths[^1];
                _paths.RemoveAt(_paths.Count - 1);
            }

            return null;
        }

        private byte[]? Data() => random.Next(8) switch
        {
            0 => null,
            1 => [],
            _ => Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)).ToArray(),
        };

        private IReadOnlyList<Acl> Acl() => AclChoices[random.Next(AclChoices.Length)];
    }
}
