using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoordAspire.Benchmarks.EndToEnd;

/// <summary>
/// A standalone server in its own process on a free loopback port with a throw-away dataDir under /tmp: our Node
/// (the Release build of <c>Node/</c>) or Apache ZooKeeper 3.8 from Debian's jars, each with <c>forceSync</c> as asked.
/// Its output goes to <c>server.log</c> in that directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(string name, Process process, StreamWriter log, string baseDirectory, int port)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseDirectory = baseDirectory;
        Port = port;
    }

    public string Name { get; }

    public string BaseDirectory { get; }

    public int Port { get; }

    public string ConnectString => $"127.0.0.1:{Port}";

    public static Task<ServerProcess> StartNodeAsync(string nodeDll, bool forceSync, IReadOnlyList<string> extraConfig)
    {
        var (dir, port, cfg) = WriteConfig("coordaspire-e2e-node-", forceSync, extraConfig);
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(nodeDll);
        psi.ArgumentList.Add(cfg);
        psi.ArgumentList.Add("--Logging:LogLevel:Default=Warning");

        // The snapshot lines (when each started, its capture time on the request loop, when it was written).
        psi.ArgumentList.Add("--Logging:LogLevel:CoordAspire.Node.Persistence=Information");
        return StartAsync("CoordAspire", psi, dir, port);
    }

    public static Task<ServerProcess> StartApacheAsync(string jarDirectory, bool forceSync, IReadOnlyList<string> extraConfig)
    {
        var (dir, port, cfg) = WriteConfig("coordaspire-e2e-zk-", forceSync, extraConfig);
        var psi = new ProcessStartInfo("java");
        psi.ArgumentList.Add("-Xmx1g");
        psi.ArgumentList.Add($"-Dzookeeper.forceSync={(forceSync ? "yes" : "no")}");
        psi.ArgumentList.Add("-Dzookeeper.admin.enableServer=false");
        psi.ArgumentList.Add("-Dzookeeper.4lw.commands.whitelist=*");
        psi.ArgumentList.Add($"-Dzookeeper.log.dir={dir}");
        psi.ArgumentList.Add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        psi.ArgumentList.Add("-cp");
        // zookeeper.jar's manifest Class-Path names its other dependencies (netty, slf4j-api, ...).
        psi.ArgumentList.Add(string.Join(':', new[] { "zookeeper.jar", "zookeeper-jute.jar", "slf4j-simple.jar" }.Select(j => Path.Combine(jarDirectory, j))));
        psi.ArgumentList.Add("org.apache.zookeeper.server.ZooKeeperServerMain");
        psi.ArgumentList.Add(cfg);
        return StartAsync("Apache ZooKeeper", psi, dir, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        await _log.DisposeAsync();
        try
        {
            Directory.Delete(BaseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Leave it for the OS's /tmp cleaning; it is only benchmark data.
        }
    }

    private static (string Dir, int Port, string ConfigPath) WriteConfig(string prefix, bool forceSync, IReadOnlyList<string> extraConfig)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        var dataDir = Path.Combine(dir, "data");
        Directory.CreateDirectory(dataDir);
        int port = FreePort();
        var cfg = Path.Combine(dir, "zoo.cfg");
        File.WriteAllLines(cfg,
        [
            "tickTime=2000",
            "initLimit=10",
            "syncLimit=5",
            $"dataDir={dataDir}",
            $"clientPort={port}",
            "clientPortAddress=127.0.0.1",
            "admin.enableServer=false",
            "4lw.commands.whitelist=*",
            $"forceSync={(forceSync ? "yes" : "no")}",
            .. extraConfig,
        ]);
        return (dir, port, cfg);
    }

    private static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo psi, string dir, int port)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var log = new StreamWriter(Path.Combine(dir, "server.log")) { AutoFlush = true };
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(name, process, log, dir, port);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before serving; see its output above");
            }

            if (await IsOkAsync(port))
            {
                return server;
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"{name} did not answer ruok on port {port} within 60 s");
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static async Task<bool> IsOkAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("ruok"u8.ToArray());
            var buffer = new byte[16];
            int read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read) == "imok";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
