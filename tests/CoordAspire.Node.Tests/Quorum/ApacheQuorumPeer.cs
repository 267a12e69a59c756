using System.Diagnostics;
using CoordAspire.Configuration;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>
/// One member of an Apache ZooKeeper 3.8 ensemble (Debian's jars, <c>QuorumPeerMain</c>) whose configuration names
/// servers that are ours: the peer our election and quorum transports must satisfy. It is not waited for (it serves
/// only once an ensemble forms); its output is kept for failure reports; it is killed and its directory removed on
/// dispose.
/// </summary>
internal sealed class ApacheQuorumPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _gate = new();

    private ApacheQuorumPeer(long id, int clientPort, string directory, Process process)
    {
        Id = id;
        ClientPort = clientPort;
        Directory = directory;
        _process = process;
    }

    public long Id { get; }

    public int ClientPort { get; }

    public string Directory { get; }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_gate)
            {
                return [.. _output];
            }
        }
    }

    public static ApacheQuorumPeer Start(long id, IReadOnlyDictionary<long, QuorumServer> servers, int tickTimeMs = 2000)
    {
        var zk = ZooKeeperAvailability.Require();
        var directory = System.IO.Directory.CreateTempSubdirectory($"coordaspire-zkpeer{id}-").FullName;
        var data = Path.Combine(directory, "data");
        System.IO.Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "myid"), id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int clientPort = FreePort.Next();
        var config = new List<string>
        {
            $"tickTime={tickTimeMs}",
            "initLimit=10",
            "syncLimit=5",
            $"dataDir={data}",
            $"clientPort={clientPort}",
            "clientPortAddress=127.0.0.1",
            "admin.enableServer=false",
            "4lw.commands.whitelist=*",
        };
        config.AddRange(servers.Values.OrderBy(s => s.Id).Select(s => $"server.{s.Id}={s.Hostname}:{s.QuorumPort}:{s.ElectionPort}"));
        var cfg = Path.Combine(directory, "zoo.cfg");
        File.WriteAllLines(cfg, config);

        var psi = new ProcessStartInfo(zk.JavaPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            $"-Dzookeeper.log.dir={directory}", "-Dzookeeper.admin.enableServer=false",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-cp", zk.ClassPath(), "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg,
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var peer = new ApacheQuorumPeer(id, clientPort, directory, process);
        process.OutputDataReceived += (_, e) => peer.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Keep(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>The last lines it printed, for an assertion message.</summary>
    public string Tail(int lines = 60) => $"--- zk {Id} ---\n" + string.Join('\n', Output.TakeLast(lines));

    public Task<string> FourLetterWordAsync(string word) => ServerUnderTest.SendFourLetterWordAsync("127.0.0.1", ClientPort, word);

    public async ValueTask DisposeAsync()
    {
        ProcessRunner.Kill(_process);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.Add(line);
        }
    }
}
