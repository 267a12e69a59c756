using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Commands;

/// <summary>
/// <c>CoordAspire.Node status</c> without a zoo.cfg, as the container image's health check runs it; the answers of
/// running members are checked in <see cref="Replication.EnsembleTests"/>. Here: what it says when nothing serves,
/// and that it leaves the data directory alone (the status of a server must not write into its volume).
/// </summary>
public sealed class StatusCommandTests
{
    [Fact]
    public async Task Without_a_server_on_the_ZOO_PORT_it_exits_1_and_says_so_like_zkServer_sh()
    {
        var dataDir = Directory.CreateTempSubdirectory("coordaspire-status-").FullName;
        try
        {
            int port = FreePort.Next();
            var environment = new Dictionary<string, string> { ["ZOO_DATA_DIR"] = dataDir, ["ZOO_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var status = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "status"], null, TimeSpan.FromSeconds(30), environment);

            Assert.True(status.ExitCode == 1, status.ToString());
            Assert.Empty(status.StdoutLines);
            Assert.Contains($"Client port found: {port}. Client address: localhost.", status.Stderr, StringComparison.Ordinal);
            Assert.Contains("Error contacting service. It is probably not running.", status.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_ZOO_SERVERS_entry_the_parser_refuses_is_a_configuration_error_with_exit_2()
    {
        var environment = new Dictionary<string, string> { ["ZOO_DATA_DIR"] = Path.GetTempPath(), ["ZOO_SERVERS"] = "server.1=localhost:notaport:3888;2181" };
        var status = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "status"], null, TimeSpan.FromSeconds(30), environment);

        Assert.True(status.ExitCode == 2, status.ToString());
        Assert.Contains("ZOO_* environment variables", status.Stderr, StringComparison.Ordinal);
    }
}
