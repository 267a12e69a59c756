using System.Runtime.InteropServices;

namespace CoordAspire.Storage;

/// <summary>
/// fsync of a directory, so that a file created or renamed in it survives a crash (the new entry is directory
/// data; syncing the file alone does not persist it). .NET cannot open a directory, so this calls libc on Linux;
/// elsewhere, or where libc cannot be loaded, it does nothing (as ZooKeeper, which never syncs directories).
/// </summary>
public static partial class DirectorySync
{
    private static bool s_unavailable;

    /// <summary>False once libc turned out not to be loadable (directories are then not synced).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() && !s_unavailable;

    public static void Sync(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (s_unavailable)
        {
            return;
        }

        int fd;
        try
        {
            fd = Open(directory, 0 /* O_RDONLY */);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return;
        }

        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
