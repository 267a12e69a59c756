namespace CoordAspire.Node.Telemetry;

/// <summary>
/// Open and maximum file descriptors, as ZooKeeper reports them on Unix (<c>UnixOperatingSystemMXBean</c>, for
/// <c>zk_open_file_descriptor_count</c>) and the Prometheus process collector does (<c>process_open_fds</c>).
/// </summary>
internal static class FileDescriptors
{
    public static bool TryRead(out long open, out long max)
    {
        open = 0;
        max = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            open = Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                // "Max open files            1048576              1048576              files"
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], out max);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }
}
