namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// Proves the harness against the real Apache ZooKeeper: the server starts and stops, ZkScript and zkCli talk to
/// it, every script command works, and the golden outputs in tests/java/scripts are what Apache prints.
/// </summary>
public sealed class HarnessSelfTests
{
    /// <summary>Every command of the ZkScript language, each used at least once by <see cref="EveryCommand"/>.</summary>
    private static readonly string[] Commands =
    [
        "create", "create2", "delete", "exists", "get", "set", "getacl", "setacl", "ls", "ls2", "count", "ephemerals",
        "sync", "getconfig", "multi", "begin", "end", "addwatch", "removewatches", "removeallwatches", "addauth",
        "whoami", "open", "close", "disconnect", "reconnect", "expire", "dropconn", "sleep", "events", "waitevents",
        "waitgone", "waitexists", "option",
    ];

    private const string EveryCommand = """
        # one of each
        create /h hello
        get /h watch
        set /h world 0
        events
        create2 /h/e eph mode=EPHEMERAL acl=world:anyone:cdrwa
        create /h/s- mode=PERSISTENT_SEQUENTIAL
        create /h/es- mode=EPHEMERAL_SEQUENTIAL
        create /c mode=CONTAINER
        create /t x mode=PERSISTENT_WITH_TTL ttl=60000
        create /ts x mode=PERSISTENT_SEQUENTIAL_WITH_TTL ttl=60000
        exists /h watch=w1
        exists /nothing
        ls /h watch
        ls2 /h
        count /h
        ephemerals /h
        sync /h
        getconfig
        delete /h/s-0000000001 5
        delete /h/s-0000000001 0
        delete /h
        multi create /m 1 ; set /m 2 0 ; check /m 1
        begin
        create /m/a
        delete /m/a
        end
        multi get /m ; ls /m ; get /nothing
        addwatch /m PERSISTENT_RECURSIVE
        create /m/b
        removewatches /m ANY
        removeallwatches /h ANY
        addauth digest u:p
        whoami
        create /secret s acl=digest:u:p:cdrwa,ip:127.0.0.1:r
        getacl /secret
        setacl /secret auth::cdrwa 0
        open B timeout=6000
        @B get /secret
        @B create /b mode=EPHEMERAL
        @B disconnect
        @B reconnect
        @B exists /b
        @B dropconn
        expire B
        waitgone /b 10000
        waitexists /m 1000
        close B
        option zxids labels
        option raw off
        sleep 10
        waitevents 1 5000
        events sorted
        create /a//b
        """;

    [JavaFact]
    public void Availability_finds_java_and_the_zookeeper_jars()
    {
        var zk = ZooKeeperAvailability.Require();
        Assert.True(File.Exists(zk.JavaPath), zk.JavaPath);
        Assert.True(File.Exists(zk.JavacPath), zk.JavacPath);
        Assert.True(File.Exists(zk.ZooKeeperJar), zk.ZooKeeperJar);
        Assert.True(File.Exists(zk.JuteJar), zk.JuteJar);
        Assert.Null(ZooKeeperAvailability.Problem);
    }

    [JavaFact]
    public async Task ZkScript_is_compiled_once_for_concurrent_callers()
    {
        var dirs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => JavaZooKeeperClient.EnsureCompiledAsync()));
        Assert.Single(dirs.Distinct());
        Assert.True(File.Exists(Path.Combine(dirs[0], "ZkScript.class")));
    }

    [JavaFact]
    public async Task Server_answers_four_letter_words_and_stops_on_dispose()
    {
        int port;
        await using (var server = await ApacheZooKeeperServer.StartAsync())
        {
            port = server.Port;
            Assert.Equal("imok", await server.FourLetterWordAsync("ruok"));
            Assert.Contains("Mode: standalone", await server.FourLetterWordAsync("srvr"), StringComparison.Ordinal);
            Assert.StartsWith("127.0.0.1:", server.ConnectString, StringComparison.Ordinal);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => ApacheZooKeeperServer.SendFourLetterWordAsync("127.0.0.1", port, "ruok"));
    }

    [JavaFact]
    public async Task Every_script_command_runs_against_Apache_ZooKeeper()
    {
        await using var server = await ApacheZooKeeperServer.StartAsync();
        var result = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, EveryCommand);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        string After(string command) => lines[IndexOf(lines, "> " + command) + 1];

        foreach (var command in Commands)
        {
            Assert.True(lines.Any(l => l.StartsWith("> " + command + " ", StringComparison.Ordinal)
                || l == "> " + command || l.StartsWith("> @B " + command, StringComparison.Ordinal)),
                $"command '{command}' not exercised:\n{result}");
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("error ", StringComparison.Ordinal));

        Assert.Equal("data \"hello\" [v=0 cv=0 av=0 own=0 len=5 nc=0 zx=c=m=p t=ok]", After("get /h watch"));
        Assert.Equal("event A NodeDataChanged SyncConnected /h", lines[IndexOf(lines, "> events") + 2]);
        Assert.Equal("ok /h/e [v=0 cv=0 av=0 own==A len=3 nc=0 zx=c=m=p t=ok]", After("create2 /h/e eph mode=EPHEMERAL acl=world:anyone:cdrwa"));
        Assert.Equal("ok /h/s-0000000001", After("create /h/s- mode=PERSISTENT_SEQUENTIAL"));
        Assert.Equal("ok /h/es-0000000002", After("create /h/es- mode=EPHEMERAL_SEQUENTIAL"));
        Assert.Equal("ok /ts0000000003", After("create /ts x mode=PERSISTENT_SEQUENTIAL_WITH_TTL ttl=60000"));
        Assert.Equal("none", After("exists /nothing"));
        Assert.Equal("children [e, es-0000000002, s-0000000001]", After("ls /h watch"));
        Assert.Equal("count 3", After("count /h"));
        Assert.Equal("ephemerals [/h/e, /h/es-0000000002]", After("ephemerals /h"));
        Assert.Equal("err BADVERSION", After("delete /h/s-0000000001 5"));
        Assert.Equal("err NOTEMPTY", After("delete /h"));
        Assert.Equal("  [2] err NONODE", lines[IndexOf(lines, "> multi get /m ; ls /m ; get /nothing") + 4]);
        Assert.Equal("whoami [digest:u, ip:127.0.0.1]", After("whoami"));
        Assert.Equal("err NOAUTH", After("@B get /secret"));
        Assert.Equal("ok connected", After("@B reconnect"));
        Assert.Equal("ok reconnected", After("@B dropconn"));
        Assert.Equal("ok expired", After("expire B"));
        Assert.Equal("ok", After("waitgone /b 10000"));
        Assert.Equal("client-error IllegalArgumentException", lines[^1]);
    }

    [JavaFact]
    public async Task Unknown_command_stops_the_script_with_exit_code_2()
    {
        await using var server = await ApacheZooKeeperServer.StartAsync();
        var result = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, "create /x\nfrobnicate /x\ncreate /y\n");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["> create /x", "ok /x", "> frobnicate /x", "error unknown command: frobnicate"], result.StdoutLines);
    }

    [JavaFact]
    public async Task Raw_mode_prints_zxids_and_times()
    {
        await using var server = await ApacheZooKeeperServer.StartAsync();
        var result = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, "create /r x\nget /r\n", new ZkScriptOptions { Raw = true });
        Assert.Matches(@"^data ""x"" \[czxid=0x[0-9a-f]+ mzxid=0x[0-9a-f]+ pzxid=0x[0-9a-f]+ ctime=\d+ mtime=\d+ v=0 cv=0 av=0 own=0x0 len=1 nc=0\]$",
            result.StdoutLines[^1]);
    }

    [JavaFact]
    public async Task ZkCli_and_ZkScript_see_the_same_tree()
    {
        await using var server = await ApacheZooKeeperServer.StartAsync();
        var create = await JavaZooKeeperClient.RunZkCliAsync(server.ConnectString, ["create", "/cli", "from-zkcli"]);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("Created /cli", JavaZooKeeperClient.ZkCliOutputLines(create));

        var script = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, "get /cli\nset /cli from-zkscript\n");
        Assert.StartsWith("data \"from-zkcli\" [v=0 ", script.StdoutLines[1], StringComparison.Ordinal);

        var get = await JavaZooKeeperClient.RunZkCliAsync(server.ConnectString, ["get", "/cli"]);
        Assert.Contains("from-zkscript", JavaZooKeeperClient.ZkCliOutputLines(get));
    }

    public static TheoryData<string> GoldenScripts => new(ZkScriptFiles.Names);

    /// <summary>
    /// The golden outputs are what Apache ZooKeeper prints, and stay so (this also shows they are deterministic).
    /// COORD_UPDATE_GOLDEN=1 rewrites them from the live server instead.
    /// </summary>
    [JavaTheory]
    [MemberData(nameof(GoldenScripts))]
    public async Task Golden_output_is_what_Apache_ZooKeeper_prints(string name)
    {
        await using var server = await ApacheZooKeeperServer.StartAsync();
        var result = await JavaZooKeeperClient.RunScriptAsync(server.ConnectString, ZkScriptFiles.ReadScript(name));
        Assert.True(result.ExitCode == 0, result.ToString());
        if (ZkScriptFiles.UpdateRequested)
        {
            ZkScriptFiles.WriteExpected(name, result.StdoutLines);
            return;
        }
        var diff = ZkScriptFiles.Diff(ZkScriptFiles.ReadExpected(name), result.StdoutLines);
        Assert.True(diff is null, $"{name}.zks on {server}: {diff}\n--- stderr ---\n{result.Stderr}");
    }

    private static int IndexOf(IReadOnlyList<string> lines, string line)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] == line)
            {
                return i;
            }
        }
        throw new Xunit.Sdk.XunitException($"line '{line}' not in output:\n{string.Join('\n', lines)}");
    }
}
