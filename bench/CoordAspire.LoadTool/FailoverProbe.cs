using System.Diagnostics;
using CoordAspire.Client;

namespace CoordAspire.LoadTool;

/// <summary>
/// The failover gap under a steady write load: find the leader (the server whose <c>srvr</c> says
/// <c>Mode: leader</c>), kill it with the user's command, and measure from the kill to the completion of the first
/// write that was sent after it. Every write sent after the kill counts, whichever connection sent it, so the gap
/// includes the election, the new leader's sync with its followers and the clients' reconnection.
/// </summary>
internal sealed class FailoverProbe(LoadOptions options, ProgressPrinter progress)
{
    private static readonly TimeSpan SteadyLoadBeforeKill = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LoadAfterRecovery = TimeSpan.FromSeconds(2);

    private long _killTimestamp = long.MaxValue;
    private long _firstSuccessAfterKill = long.MaxValue;
    private long _latestSuccess;
    private long _errorsAfterKill;

    public void OnWriteSucceeded(long sent, long completed)
    {
        if (sent >= Volatile.Read(ref _killTimestamp))
        {
            InterlockedMin(ref _firstSuccessAfterKill, completed);
        }

        InterlockedMax(ref _latestSuccess, completed);
    }

    public void OnWriteFailed()
    {
        if (Volatile.Read(ref _killTimestamp) != long.MaxValue)
        {
            Interlocked.Increment(ref _errorsAfterKill);
        }
    }

    public async Task<FailoverResult> RunAsync()
    {
        var servers = ConnectString.Parse(options.Servers).Servers.Select(s => (s.Host, s.Port)).ToList();
        await Task.Delay(SteadyLoadBeforeKill);
        var leader = await FindOneLeaderAsync(servers, TimeSpan.FromSeconds(10))
            ?? throw new InvalidOperationException($"no single server of {options.Servers} says Mode: leader");
        string command = options.KillCommand!
            .Replace("{host}", leader.Host, StringComparison.Ordinal)
            .Replace("{port}", leader.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        progress.Note($"killing the leader {leader.Host}:{leader.Port}: {command}");

        long before = Stopwatch.GetTimestamp();
        await RunShellAsync(command);
        // The kill is taken as done when the command returns (kill(2) has delivered SIGKILL by then); a write sent
        // from now on can only be served by the remaining servers.
        long killed = Stopwatch.GetTimestamp();
        Volatile.Write(ref _killTimestamp, killed);
        double lastWriteBeforeKillMs = Stopwatch.GetElapsedTime(Volatile.Read(ref _latestSuccess), killed).TotalMilliseconds;

        while (Stopwatch.GetElapsedTime(killed) < options.FailoverWindow)
        {
            long first = Volatile.Read(ref _firstSuccessAfterKill);
            if (first != long.MaxValue && Stopwatch.GetElapsedTime(first) >= LoadAfterRecovery)
            {
                break;
            }

            await Task.Delay(10);
        }

        long firstSuccess = Volatile.Read(ref _firstSuccessAfterKill);
        double? gapMs = firstSuccess == long.MaxValue ? null : Math.Round(Stopwatch.GetElapsedTime(killed, firstSuccess).TotalMilliseconds, 1);
        progress.Note(gapMs is double g ? $"first write sent after the kill succeeded after {g:0.0} ms" : "no write succeeded after the kill");
        var remaining = servers.Where(s => s != leader).ToList();
        var newLeader = await FindOneLeaderAsync(remaining, TimeSpan.FromSeconds(5));
        return new FailoverResult(
            $"{leader.Host}:{leader.Port}", gapMs, Math.Round(lastWriteBeforeKillMs, 1),
            Math.Round(Stopwatch.GetElapsedTime(before, killed).TotalMilliseconds, 1), Interlocked.Read(ref _errorsAfterKill),
            newLeader is { } n ? $"{n.Host}:{n.Port}" : null);
    }

    private static async Task<(string Host, int Port)?> FindOneLeaderAsync(List<(string Host, int Port)> servers, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var leaders = await FourLetterWords.FindLeadersAsync(servers);
            if (leaders.Count == 1)
            {
                return leaders[0];
            }

            if (deadline.Elapsed > timeout)
            {
                return null;
            }

            await Task.Delay(20);
        }
    }

    private static async Task RunShellAsync(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the kill command exited with {process.ExitCode}: {error.Trim()}");
        }
    }

    private static void InterlockedMin(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        long current = Volatile.Read(ref location);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
