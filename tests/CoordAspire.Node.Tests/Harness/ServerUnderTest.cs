using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// A ZooKeeper-protocol server running as a real process on a loopback port with a throw-away directory: Apache
/// ZooKeeper (<see cref="ApacheZooKeeperServer"/>) or our Node (<see cref="CoordAspireNodeServer"/>). Ready once it
/// answers <c>ruok</c> with <c>imok</c> and <c>srvr</c> reports a mode; killed and cleaned up on dispose.
/// </summary>
public sealed class ServerUnderTest : IAsyncDisposable
{
    private const int KeptOutputLines = 2000;
    private readonly Queue<string> output = new();
    private readonly Lock outputGate = new();
    private readonly string baseDirectory;
    private int disposed;

    private readonly bool keepDirectory;

    private ServerUnderTest(string name, Process process, int port, string baseDirectory, bool keepDirectory = false)
    {
        this.keepDirectory = keepDirectory;
        Name = name;
        this.process = process;
        Port = port;
        this.baseDirectory = baseDirectory;
    }

    private readonly Process process;

    /// <summary>"Apache ZooKeeper" or "CoordAspire".</summary>
    public string Name { get; }

    public int Port { get; }

    public string ConnectString => $"127.0.0.1:{Port}";

    public string BaseDirectory => baseDirectory;

    public string DataDirectory => Path.Combine(baseDirectory, "data");

    public int ProcessId => process.Id;

    /// <summary>The last lines the server printed (stdout and stderr), for failure reports.</summary>
    public IReadOnlyList<string> RecentOutput
    {
        get
        {
            lock (outputGate)
            {
                return output.ToList();
            }
        }
    }

    /// <summary>Sends a four-letter-word command (ruok, stat, mntr, cons, wchs, ...) and returns the reply.</summary>
    public Task<string> FourLetterWordAsync(string word, CancellationToken cancellationToken = default) =>
        SendFourLetterWordAsync("127.0.0.1", Port, word, cancellationToken);

    public static async Task<string> SendFourLetterWordAsync(string host, int port, string word, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(host, port, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cts.Token);
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cts.Token);
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        ProcessRunner.Kill(process);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// Launches a server on a port, retrying on a fresh port when it does not come up: a free port can be taken by
    /// someone else before the server binds it. A fixed <paramref name="port"/> is tried as given each time.
    /// </summary>
    internal static async Task<ServerUnderTest> StartWithRetriesAsync(string name, int? port, Func<int, Task<ServerUnderTest>> launch)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await launch(port ?? FreePort.Next());
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                last = e;
            }
        }

        throw new InvalidOperationException($"{name} did not start", last);
    }

    /// <summary>
    /// Starts a server process from <paramref name="psi"/> and waits until it serves. Both output streams are
    /// drained continuously so the process never blocks on a full pipe.
    /// </summary>
    internal static async Task<ServerUnderTest> StartAsync(string name, ProcessStartInfo psi, int port, string baseDirectory, TimeSpan timeout, CancellationToken cancellationToken, bool keepDirectory = false, bool waitUntilServing = true)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var server = new ServerUnderTest(name, process, port, baseDirectory, keepDirectory);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {psi.FileName}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!waitUntilServing)
        {
            return server;
        }

        try
        {
            await server.WaitUntilServingAsync(timeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        ProcessRunner.Kill(process);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // a JVM that ignores SIGKILL is beyond our reach; do not hang the test run
            }
        }
        process.Dispose();
        if (keepDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(baseDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public override string ToString() => $"{Name} at {ConnectString} (pid {process.Id})";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (outputGate)
        {
            output.Enqueue(line);
            while (output.Count > KeptOutputLines)
            {
                output.Dequeue();
            }
        }
    }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !process.HasExited;

    /// <summary>Waits until the server answers <c>srvr</c> with a mode: it serves clients.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with {process.ExitCode} before serving on port {Port}:\n" + string.Join('\n', RecentOutput.TakeLast(40)));
            }
            try
            {
                // ruok says imok as soon as the port listens; srvr tells when the server really serves requests.
                if (await FourLetterWordAsync("ruok", cancellationToken) == "imok"
                    && (await FourLetterWordAsync("srvr", cancellationToken)).Contains("Mode: ", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{Name} did not answer ruok on port {Port} within {timeout}:\n" + string.Join('\n', RecentOutput.TakeLast(40)));
            }
            await Task.Delay(100, cancellationToken);
        }
    }
}
