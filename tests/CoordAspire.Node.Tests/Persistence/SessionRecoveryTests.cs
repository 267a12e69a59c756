using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Persistence;

/// <summary>
/// Sessions are part of the database: after a crash they come back with their ephemerals, and expire as they
/// would have if their clients do not return within the session timeout.
/// </summary>
public sealed class SessionRecoveryTests
{
    [JavaFact]
    public async Task Ephemerals_survive_a_crash_and_go_when_their_session_expires()
    {
        var directory = Directory.CreateTempSubdirectory("coordaspire-sessions-").FullName;
        int port = FreePort.Next();
        var options = new CoordAspireNodeOptions { ExistingDirectory = directory, Port = port };
        try
        {
            await using (var node = await CoordAspireNodeServer.StartAsync(options))
            {
                var created = await JavaZooKeeperClient.RunScriptAsync(node.ConnectString, """
                    open B timeout=4000
                    @B create /owned-by-b x mode=EPHEMERAL
                    @B disconnect
                    """);
                Assert.True(created.ExitCode == 0, created.ToString());
                await node.KillAsync();
            }

            await using var restarted = await CoordAspireNodeServer.StartAsync(options);
            var result = await JavaZooKeeperClient.RunScriptAsync(restarted.ConnectString, """
                exists /owned-by-b
                waitgone /owned-by-b 20000
                """);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(result.StdoutLines, l => l.StartsWith("stat [v=0", StringComparison.Ordinal) && l.Contains("own=", StringComparison.Ordinal));
            Assert.Equal("ok", result.StdoutLines[^1]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
