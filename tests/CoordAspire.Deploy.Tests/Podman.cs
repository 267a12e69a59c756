using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Deploy.Tests;

/// <summary>
/// The container runtime, driven through its command line as an operator drives it. Every call has a timeout, and a
/// failed call says what was run and what podman answered.
/// </summary>
public static class Podman
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>podman args…</c> and returns what it printed, whatever the exit code.</summary>
    public static Task<ProcessResult> TryAsync(params string[] args) => RunAsync("podman", args, DefaultTimeout);

    /// <summary>Runs <c>podman args…</c>; a non-zero exit is an exception naming the command and its output.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var result = await TryAsync(args);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"podman {string.Join(' ', args)} failed: {result}");
    }

    /// <summary>Runs a tool (podman, podman-compose) in a working directory, with a timeout.</summary>
    public static async Task<ProcessResult> RunAsync(string tool, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        if (workingDirectory is null)
        {
            return await ProcessRunner.RunAsync(tool, args, stdin: null, timeout);
        }

        // ProcessRunner runs in the current directory; compose reads .env from its own, so hop there through env -C.
        return await ProcessRunner.RunAsync("env", ["-C", workingDirectory, tool, .. args], stdin: null, timeout);
    }

    /// <summary>Whether an image is in the local store.</summary>
    public static async Task<bool> ImageExistsAsync(string image) => (await TryAsync("image", "exists", image)).ExitCode == 0;

    /// <summary>The container's address on each network it is attached to (network name → IPv4 address).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> AddressesAsync(string container)
    {
        var output = await RunAsync("inspect", "--format",
            "{{range $name, $net := .NetworkSettings.Networks}}{{$name}} {{$net.IPAddress}}\n{{end}}", container);
        return ProcessResult.SplitLines(output)
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts.Length == 2 && parts[1].Length > 0)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    /// <summary>The container's state as podman reports it (running, exited, …).</summary>
    public static async Task<string> StateAsync(string container) =>
        (await RunAsync("inspect", "--format", "{{.State.Status}}", container)).Trim();

    /// <summary>The container's log (stdout and stderr, in order).</summary>
    public static async Task<string> LogsAsync(string container)
    {
        var result = await TryAsync("logs", container);
        return result.Stdout + result.Stderr;
    }
}
