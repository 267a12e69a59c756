using System.Diagnostics;
using CoordAspire.Client;

namespace CoordAspire.Benchmarks.EndToEnd;

internal enum Operation
{
    Create,
    SetData,
}

/// <summary>What one timed phase did: how many requests completed, how fast, and their latencies.</summary>
internal sealed record PhaseResult(Operation Operation, long Completed, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public double PerSecond => Completed / Elapsed.TotalSeconds;
}

/// <summary>
/// Closed-loop load: every connection carries <c>inFlight</c> workers, each sending its next request as soon as the
/// last one is answered, so each connection has that many requests in flight (pipelined on one session).
/// </summary>
internal static class LoadDriver
{
    /// <summary>
    /// Creates, under <paramref name="root"/>, one parent per worker; a create phase adds children under it and
    /// counts them in <paramref name="created"/>; a set phase overwrites those children round-robin.
    /// </summary>
    public static async Task PrepareAsync(ZooKeeperClient client, string root, int connections, int inFlight)
    {
        await client.CreateAsync(root);
        for (int c = 0; c < connections; c++)
        {
            for (int w = 0; w < inFlight; w++)
            {
                await client.CreateAsync(WorkerPath(root, c, w));
            }
        }
    }

    public static async Task<PhaseResult> RunAsync(
        IReadOnlyList<ZooKeeperClient> clients, int inFlight, Operation operation, string root, long[,] created, ReadOnlyMemory<byte> value, TimeSpan duration)
    {
        var latencies = new List<long>[clients.Count * inFlight];
        var errors = new long[clients.Count * inFlight];
        var started = Stopwatch.GetTimestamp();
        long stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new List<Task>();
        for (int c = 0; c < clients.Count; c++)
        {
            for (int w = 0; w < inFlight; w++)
            {
                int slot = (c * inFlight) + w;
                latencies[slot] = new List<long>(1 << 14);
                workers.Add(WorkerAsync(clients[c], operation, WorkerPath(root, c, w), created, c, w, value, stopAt, latencies[slot], errors, slot));
            }
        }

        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new PhaseResult(operation, all.Length, errors.Sum(), elapsed, Percentile(all, 0.50), Percentile(all, 0.99), Percentile(all, 0.999), Percentile(all, 1.0));
    }

    private static string WorkerPath(string root, int connection, int worker) => $"{root}/c{connection}w{worker}";

    private static async Task WorkerAsync(
        ZooKeeperClient client, Operation operation, string parent, long[,] created, int c, int w, ReadOnlyMemory<byte> value,
        long stopAt, List<long> latencies, long[] errors, int slot)
    {
        // Start every worker on the thread pool, not inline in the loop that starts them.
        await Task.Yield();
        long seq = 0;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                if (operation == Operation.Create)
                {
                    await client.CreateAsync($"{parent}/n{created[c, w]}", value);
                    created[c, w]++;
                }
                else
                {
                    await client.SetDataAsync($"{parent}/n{seq % Math.Max(created[c, w], 1)}", value);
                }

                latencies.Add(Stopwatch.GetTimestamp() - start);
            }
            catch (NodeExistsException) when (operation == Operation.Create)
            {
                // A create that was applied although its reply was lost: the name is taken, move on.
                created[c, w]++;
                errors[slot]++;
            }
            catch (KeeperException)
            {
                errors[slot]++;
            }

            seq++;
        }
    }

    private static double Percentile(long[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int index = Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1);
        return sorted[Math.Max(index, 0)] * 1000.0 / Stopwatch.Frequency;
    }
}
