using System.Diagnostics;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.FaultInjection.Tests.Faults;

/// <summary>One fault as it happened: what, to whom, and when (seconds since the run began).</summary>
public sealed record FaultEvent(FaultKind Kind, long Member, bool WasLeader, double Start, double End)
{
    public override string ToString() => $"{Start,6:F1}s–{End,6:F1}s {Kind} server.{Member}{(WasLeader ? " (leader)" : "")}";
}

/// <summary>
/// Jepsen's nemesis: every couple of seconds it picks a member — the leader half the time, since that is where the
/// interesting failures are — and a fault among <see cref="FaultKind"/>s it may use, holds it a few seconds, and
/// heals it. One fault at a time, so that a majority can always make progress and the run measures correctness,
/// not unavailability.
/// </summary>
public sealed class Nemesis(EnsembleUnderTest ensemble, FaultKind kinds, NetworkPartition? partition, int seed, (int Min, int Max)? holdMilliseconds = null)
{
    private readonly Random _random = new(seed);
    private readonly List<FaultEvent> _events = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>How long a fault is held: 2 to 6 s by default, around ZooKeeper's syncLimit (5 ticks of 1 s in these
    /// ensembles), so that some faults end before the others give up on the member and some after.</summary>
    private readonly (int Min, int Max) _hold = holdMilliseconds ?? (2_000, 6_000);

    public IReadOnlyList<FaultEvent> Events => _events;

    public async Task RunAsync(CancellationToken stop)
    {
        var available = Enum.GetValues<FaultKind>().Where(k => k is not FaultKind.None and not FaultKind.All && kinds.HasFlag(k)).ToArray();
        if (available.Length == 0)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            await SleepAsync(TimeSpan.FromMilliseconds(_random.Next(1_500, 3_000)), stop);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            var kind = available[_random.Next(available.Length)];
            var (target, isLeader) = await PickTargetAsync();
            double start = _clock.Elapsed.TotalSeconds;
            await ApplyAsync(kind, target);
            try
            {
                // Held whatever the stop says: a run never ends with a fault still in place.
                await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(_hold.Min, _hold.Max)), CancellationToken.None);
            }
            finally
            {
                await HealAsync(kind, target);
                _events.Add(new FaultEvent(kind, target.Id, isLeader, start, _clock.Elapsed.TotalSeconds));
            }
        }
    }

    private async Task<(EnsembleUnderTest.Member Member, bool IsLeader)> PickTargetAsync()
    {
        if (_random.Next(2) == 0)
        {
            foreach (var member in ensemble.Members.Where(m => m.IsRunning))
            {
                if (await member.ModeAsync() == "leader")
                {
                    return (member, true);
                }
            }
        }

        var running = ensemble.Members.Where(m => m.IsRunning).ToArray();
        return (running[_random.Next(running.Length)], false);
    }

    private async Task ApplyAsync(FaultKind kind, EnsembleUnderTest.Member member)
    {
        switch (kind)
        {
            case FaultKind.Kill:
                await EnsembleUnderTest.KillAsync(member);
                break;
            case FaultKind.Pause:
                await SignalAsync(member, "STOP");
                break;
            case FaultKind.Partition:
                await partition!.IsolateAsync(member, ensemble.Members);
                break;
        }
    }

    private async Task HealAsync(FaultKind kind, EnsembleUnderTest.Member member)
    {
        switch (kind)
        {
            case FaultKind.Kill:
                await ensemble.RestartAsync(member);
                break;
            case FaultKind.Pause:
                await SignalAsync(member, "CONT");
                break;
            case FaultKind.Partition:
                await partition!.HealAsync();
                break;
        }
    }

    private static async Task SignalAsync(EnsembleUnderTest.Member member, string signal)
    {
        if (member.Process is not null && !await EnsembleUnderTest.SignalAsync(member, signal))
        {
            throw new InvalidOperationException($"kill -{signal} {member} failed");
        }
    }

    private static async Task SleepAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
