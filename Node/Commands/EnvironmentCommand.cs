using System.Net;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>envi</c> (ZooKeeper's <c>EnvCommand</c> and <c>Environment.list</c>): <c>key=value</c> lines about the process.
/// Where ZooKeeper reports the JVM (<c>java.*</c>) we report the .NET runtime under <c>dotnet.*</c>; the keys that
/// mean the same (<c>zookeeper.version</c>, <c>host.name</c>, <c>os.*</c>, <c>user.*</c>) keep ZooKeeper's names.
/// </summary>
internal static class EnvironmentCommand
{
    public static string Render()
    {
        var text = new StringBuilder("Environment:\n");
        void Add(string key, string? value) => text.Append(key).Append('=').Append(value ?? "<NA>").Append('\n');

        Add("zookeeper.version", NodeVersion.FullVersion);
        Add("host.name", HostName());
        Add("dotnet.version", Environment.Version.ToString());
        Add("dotnet.runtime", RuntimeInformation.FrameworkDescription);
        Add("dotnet.runtime.identifier", RuntimeInformation.RuntimeIdentifier);
        Add("dotnet.home", RuntimeEnvironment.GetRuntimeDirectory());
        Add("dotnet.gc.server", GCSettings.IsServerGC ? "true" : "false");
        Add("app.base.directory", AppContext.BaseDirectory);
        Add("io.tmpdir", Path.GetTempPath());
        Add("os.name", OsName());
        Add("os.arch", OsArch());
        Add("os.version", OsVersion());
        Add("user.name", Environment.UserName);
        Add("user.home", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        Add("user.dir", Environment.CurrentDirectory);
        Add("process.id", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("processor.count", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Java's Runtime freeMemory/maxMemory/totalMemory, in the same MB units, for the managed heap: committed
        // (known once a collection has run; the process's working set before that), what of it is free, and the limit.
        var memory = GC.GetGCMemoryInfo();
        long used = GC.GetTotalMemory(forceFullCollection: false);
        long committed = memory.TotalCommittedBytes > 0 ? Math.Max(memory.TotalCommittedBytes, used) : Environment.WorkingSet;
        Add("os.memory.free", $"{Math.Max(0, committed - used) / (1024 * 1024)}MB");
        Add("os.memory.max", $"{memory.TotalAvailableMemoryBytes / (1024 * 1024)}MB");
        Add("os.memory.total", $"{committed / (1024 * 1024)}MB");
        return text.ToString();
    }

    private static string HostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "<NA>";
        }
    }

    private static string OsName() =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsMacOS() ? "Mac OS X" : OperatingSystem.IsWindows() ? "Windows" : RuntimeInformation.OSDescription;

    /// <summary>Java's <c>os.arch</c> names: amd64, aarch64.</summary>
    private static string OsArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "x86",
        Architecture.Arm64 => "aarch64",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The kernel release (<c>uname -r</c>), as Java reports it on Linux.</summary>
    private static string OsVersion()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/sys/kernel/osrelease"))
            {
                return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            }
        }
        catch (IOException)
        {
        }

        return Environment.OSVersion.Version.ToString();
    }
}
