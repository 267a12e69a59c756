using System.Globalization;

namespace CoordAspire.LoadTool;

/// <summary>Samples the resident memory (VmRSS of /proc/PID/status) of server processes on this machine.</summary>
internal sealed class RssSampler(IReadOnlyList<int> pids)
{
    private readonly long[] _peakKb = new long[pids.Count];
    private readonly long[] _lastKb = new long[pids.Count];

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

    /// <summary>The latest sample of each process, in MB, for the progress line.</summary>
    public IEnumerable<double> LastMb => _lastKb.Select(kb => kb / 1024.0);

    public IReadOnlyList<ProcessMemory> Result() =>
        [.. pids.Select((pid, i) => new ProcessMemory(pid, Math.Round(_peakKb[i] / 1024.0, 1), Math.Round(_lastKb[i] / 1024.0, 1)))];

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
