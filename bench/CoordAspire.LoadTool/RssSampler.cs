using System.Globalization;

namespace CoordAspire.LoadTool;

/// <summary>Samples the resident memory (VmRSS of /proc/PID/status) and the CPU time (/proc/PID/stat) of server
/// processes on this machine.</summary>
internal sealed class RssSampler(IReadOnlyList<int> pids)
{
    /// <summary>USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux this runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    private readonly long[] _peakKb = new long[pids.Count];
    private readonly long[] _lastKb = new long[pids.Count];
    private readonly long[] _cpuTicksAtStart = new long[pids.Count];
    private readonly long[] _cpuTicksAtStop = new long[pids.Count];

    public IReadOnlyList<int> Pids => pids;

    public void Sample()
    {
        for (int i = 0; i < pids.Count; i++)
        {
            if (Read(pids[i]) is long kb)
            {
                _lastKb[i] = kb;
                _peakKb[i] = Math.Max(_peakKb[i], kb);
            }
        }
    }

    /// <summary>The measurement starts: the CPU time used from now on is the servers' share of the work.</summary>
    public void MarkStart()
    {
        for (int i = 0; i < pids.Count; i++)
        {
            _cpuTicksAtStart[i] = ReadCpuTicks(pids[i]) ?? 0;
        }
    }

    public void MarkStop()
    {
        for (int i = 0; i < pids.Count; i++)
        {
            _cpuTicksAtStop[i] = ReadCpuTicks(pids[i]) ?? _cpuTicksAtStart[i];
        }
    }

    /// <summary>The latest sample of each process, in MB, for the progress line.</summary>
    public IEnumerable<double> LastMb => _lastKb.Select(kb => kb / 1024.0);

    /// <summary>Each process's peak and last RSS, and the cores it used between <see cref="MarkStart"/> and
    /// <see cref="MarkStop"/> (<paramref name="seconds"/> apart).</summary>
    public IReadOnlyList<ProcessMemory> Result(double seconds) =>
        [.. pids.Select((pid, i) => new ProcessMemory(
            pid, Math.Round(_peakKb[i] / 1024.0, 1), Math.Round(_lastKb[i] / 1024.0, 1),
            Math.Round((_cpuTicksAtStop[i] - _cpuTicksAtStart[i]) / ClockTicksPerSecond / Math.Max(seconds, 1e-9), 2)))];

    /// <summary>utime + stime of /proc/PID/stat, in clock ticks; null when the process is gone.</summary>
    public static long? ReadCpuTicks(int pid)
    {
        try
        {
            return ParseCpuTicks(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Fields 14 and 15 (utime, stime) of a stat line; the command name in parentheses may hold spaces.</summary>
    public static long? ParseCpuTicks(string stat)
    {
        int close = stat.LastIndexOf(')');
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out long user)
            && long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out long system)
            ? user + system
            : null;
    }

    /// <summary>VmRSS in kB, or null when the process is gone (or this is not Linux).</summary>
    public static long? Read(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return ParseKb(line);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>"VmRSS:	  143212 kB" → 143212.</summary>
    public static long? ParseKb(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb) ? kb : null;
    }
}
