using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Persistence;

/// <summary>
/// Moving from Apache ZooKeeper to CoordAspire and back is pointing both at the same dataDir: what one wrote, the
/// other serves, Stat for Stat and ACL for ACL, as seen through ZooKeeper's own Java client.
/// </summary>
public sealed class MigrationTests
{
    private const string Writes = """
        create /app config-v1
        create /app/a 1
        create /app/seq- s mode=PERSISTENT_SEQUENTIAL
        create /app/seq- s mode=PERSISTENT_SEQUENTIAL
        set /app config-v2 0
        create /gone x
        delete /gone
        create /acl secret acl=digest:bob:pw:cdrwa,world:anyone:r
        create /c mode=CONTAINER
        create /c/k
        create /t x mode=PERSISTENT_WITH_TTL ttl=3600000
        create /nulldata null
        multi create /m 1 ; create /m/x 2 ; set /m 3 0
        """;

    private const string Reads = """
        ls2 /
        get /app
        ls2 /app
        get /app/a
        get /app/seq-0000000001
        getacl /acl sorted
        get /acl
        ls2 /c
        get /t
        get /nulldata
        get /m
        get /m/x
        exists /gone
        count /
        """;

    [JavaFact]
    public async Task Node_serves_a_dataDir_written_by_Apache_ZooKeeper_and_Apache_ZooKeeper_serves_ours()
    {
        var directory = Directory.CreateTempSubdirectory("coordaspire-migrate-").FullName;
        var onDataDir = new Dictionary<string, string> { ["dataDir"] = directory };
        try
        {
            IReadOnlyList<string> apacheView;
            await using (var apache = await ApacheZooKeeperServer.StartAsync(new ApacheZooKeeperServerOptions { ExtraConfig = onDataDir }))
            {
                await RunAsync(apache, Writes);
                apacheView = await RunAsync(apache, Reads);
            }

            await using (var node = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions { ExtraConfig = onDataDir }))
            {
                var ours = await RunAsync(node, Reads);
                var diff = ZkScriptFiles.Diff(apacheView, ours);
                Assert.True(diff is null, "our Node on Apache ZooKeeper's dataDir (- Apache, + ours):\n" + diff);
                await RunAsync(node, "create /fromus written-by-coordaspire\nset /app config-v3 1\n");
            }

            await using (var apacheAgain = await ApacheZooKeeperServer.StartAsync(new ApacheZooKeeperServerOptions { ExtraConfig = onDataDir }))
            {
                var back = await RunAsync(apacheAgain, "get /fromus\nget /app\nget /m/x\n");
                Assert.Contains("data \"written-by-coordaspire\" [v=0 cv=0 av=0 own=0 len=22 nc=0 zx=c=m=p t=ok]", back);
                Assert.Contains("data \"config-v3\" [v=2 cv=3 av=0 own=0 len=9 nc=3 zx=c<p<m t=ok]", back);
                Assert.Contains("data \"2\" [v=0 cv=0 av=0 own=0 len=1 nc=0 zx=c=m=p t=ok]", back);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<string>> RunAsync(ServerUnderTest server, string script)
    {
        var result = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, script);
        Assert.True(result.ExitCode == 0, $"{server}: {result}");
        return result.StdoutLines;
    }
}
