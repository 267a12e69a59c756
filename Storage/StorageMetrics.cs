using System.Diagnostics.Metrics;

namespace CoordAspire.Storage;

/// <summary>The storage area's meter, <c>CoordAspire.Storage</c> (ZooKeeper's FSYNC_TIME, BATCH_SIZE and snapshot metrics).</summary>
public static class StorageMetrics
{
    public const string MeterName = "CoordAspire.Storage";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> FsyncDuration =
        Meter.CreateHistogram<double>("coordaspire.storage.log.fsync.duration", "ms", "Time an fsync of the transaction log took");

    internal static readonly Histogram<int> BatchSize =
        Meter.CreateHistogram<int>("coordaspire.storage.log.batch.size", "{transaction}", "Transactions made durable by one log write");

    internal static readonly Counter<long> LoggedBytes =
        Meter.CreateCounter<long>("coordaspire.storage.log.bytes", "By", "Bytes written to the transaction log");

    internal static readonly Counter<long> Snapshots =
        Meter.CreateCounter<long>("coordaspire.storage.snapshots", "{snapshot}", "Snapshots written");

    internal static readonly Histogram<double> SnapshotDuration =
        Meter.CreateHistogram<double>("coordaspire.storage.snapshot.duration", "s", "Time from the start of a snapshot to its rename into place");
}
