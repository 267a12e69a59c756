using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>
/// What <c>metricsProvider.exportJvmInfo=true</c> (the default) adds. ZooKeeper registers the Java client's
/// <c>DefaultExports</c>: the process collector (<c>process_*</c>, whose names every Prometheus client shares, so the
/// dashboards' CPU, memory and file descriptor panels work unchanged) and the JVM's (<c>jvm_*</c>: heap pools, GC,
/// threads, class loading), which a .NET process does not have. In their place we export the .NET runtime's
/// figures under the names prometheus-net (the usual .NET client) gives them, and <c>dotnet_info</c> as the
/// counterpart of <c>jvm_info</c>. Read at each scrape, on the HTTP server's thread: none touches the server's state.
/// </summary>
internal static class RuntimeMetrics
{
    public static void Write(PrometheusTextWriter text)
    {
        using var process = Process.GetCurrentProcess();

        // simpleclient's StandardExports, with its help texts.
        text.Counter("process_cpu_seconds_total", process.TotalProcessorTime.TotalSeconds, "Total user and system CPU time spent in seconds.");
        text.Gauge("process_start_time_seconds", new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0,
            "Start time of the process since unix epoch in seconds.");
        if (FileDescriptors.TryRead(out long open, out long max))
        {
            text.Gauge("process_open_fds", open, "Number of open file descriptors.");
            text.Gauge("process_max_fds", max, "Maximum number of open file descriptors.");
        }

        text.Gauge("process_virtual_memory_bytes", process.VirtualMemorySize64, "Virtual memory size in bytes.");
        text.Gauge("process_resident_memory_bytes", process.WorkingSet64, "Resident memory size in bytes.");

        // jvm_info{version,vendor,runtime} 1.0, for the .NET runtime.
        text.Family("dotnet_info", "Version info of the .NET runtime", "gauge");
        text.Sample("dotnet_info", 1, ("version", Environment.Version.ToString()), ("runtime", RuntimeInformation.FrameworkDescription));

        // prometheus-net's DotNetStats.
        text.Family("dotnet_collection_count_total", "GC collection count", "counter");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Sample("dotnet_collection_count_total", GC.CollectionCount(generation), ("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        text.Gauge("dotnet_total_memory_bytes", GC.GetTotalMemory(forceFullCollection: false), "Total known allocated memory");
        text.Gauge("process_num_threads", process.Threads.Count, "Total number of threads");
    }
}
