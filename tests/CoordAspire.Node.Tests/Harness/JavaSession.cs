using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// One session of Apache ZooKeeper's own Java client (tests/java/readonly/ReadOnlySession.java, compiled against
/// Debian's jars), kept alive in its JVM and driven a command at a time, so that a test can kill and restart
/// servers between commands and see what the real client does: which states its watcher hears
/// (<see cref="Events"/>), what each operation answers.
/// </summary>
public sealed class JavaSession : IAsyncDisposable
{
    private static readonly CompiledJavaSource Program = new(
        Path.Combine(JavaZooKeeperClient.JavaTestsDirectory, "readonly", "ReadOnlySession.java"), "ReadOnlySession", "coordaspire-readonlysession");

    private readonly Process _process;
    private readonly Channel<string> _replies = Channel.CreateUnbounded<string>();
    private readonly List<string> _events = [];
    private readonly List<string> _stderr = [];
    private readonly Task _reading;

    private JavaSession(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The connection states the client's watcher heard so far, in order (SyncConnected, ConnectedReadOnly…).</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>
    /// <c>new ZooKeeper(connectString, sessionTimeoutMs, watcher, canBeReadOnly)</c>, or, with <paramref name="resume"/>
    /// (a session id and password as <c>session</c> and <c>password</c> print them), the constructor that resumes it.
    /// </summary>
    public static async Task<JavaSession> StartAsync(string connectString, bool canBeReadOnly, int sessionTimeoutMs = 10_000, (string SessionId, string Password)? resume = null)
    {
        var zk = ZooKeeperAvailability.Require();
        var classes = await Program.CompileAsync();
        var psi = new ProcessStartInfo(zk.JavaPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in (string[])["-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-cp", zk.ClassPath(classes), "ReadOnlySession", connectString, canBeReadOnly ? "true" : "false", sessionTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(argument);
        }

        if (resume is var (sessionId, password))
        {
            psi.ArgumentList.Add(sessionId);
            psi.ArgumentList.Add(password);
        }

        return new JavaSession(Process.Start(psi) ?? throw new InvalidOperationException("could not start java"));
    }

    /// <summary>Sends one command line and returns its answer without the "R " (see ReadOnlySession.java).</summary>
    public async Task<string> SendAsync(string command, TimeSpan? timeout = null)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            return await _replies.Reader.ReadAsync(cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"the Java client did not answer '{command}':\n{Describe()}", e);
        }
    }

    /// <summary>Waits until the last state the watcher heard is <paramref name="state"/>; false if it was not within the time.</summary>
    public async Task<bool> WaitForStateAsync(string state, TimeSpan timeout) =>
        await SendAsync($"wait {state} {(long)timeout.TotalMilliseconds}", timeout + TimeSpan.FromSeconds(30)) == "OK " + state;

    /// <summary>The events and the client's log, for a failure message.</summary>
    public string Describe()
    {
        var text = new StringBuilder("events: ").AppendJoin(", ", Events).Append('\n');
        lock (_stderr)
        {
            foreach (var line in _stderr.TakeLast(40))
            {
                text.Append("    ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            await _reading;
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("EVENT ", StringComparison.Ordinal))
            {
                lock (_events)
                {
                    _events.Add(line["EVENT ".Length..]);
                }
            }
            else if (line.StartsWith("R ", StringComparison.Ordinal))
            {
                _replies.Writer.TryWrite(line[2..]);
            }
        }

        _replies.Writer.TryComplete();
    }
}
