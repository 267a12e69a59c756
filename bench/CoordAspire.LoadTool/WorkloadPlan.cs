namespace CoordAspire.LoadTool;

/// <summary>
/// Which operation a worker sends next, and the znodes a workload needs: the pure part of each workload, apart from
/// the sockets, so that it can be tested without a server.
/// </summary>
internal sealed class WorkloadPlan
{
    private readonly LoadOptions _options;

    public WorkloadPlan(LoadOptions options)
    {
        _options = options;
        Keys = UsesKeys(options.Workload)
            ? [.. Enumerable.Range(0, options.Keys).Select(i => KeyPath(options.Root, i))]
            : [];
    }

    /// <summary>The fixed znodes that set, get, mixed, watch, sessions, sync-set and failover read and write.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The parents to create before anything else: the root and one folder per kind of znode.</summary>
    public IEnumerable<string> Folders => [_options.Root, $"{_options.Root}/keys", $"{_options.Root}/create", $"{_options.Root}/ephemeral"];

    public static bool UsesKeys(Workload workload) => workload is not (Workload.Create or Workload.Ephemeral);

    public static string KeyPath(string root, int index) => $"{root}/keys/k{index:D6}";

    /// <summary>The next operation of <paramref name="worker"/>.</summary>
    public OpKind Next(Worker worker) => _options.Workload switch
    {
        Workload.Create => OpKind.Create,
        Workload.Set or Workload.SyncSet or Workload.Failover => OpKind.Set,
        Workload.Get or Workload.Sessions => OpKind.Get,
        Workload.FreshGet => OpKind.FreshGet,
        Workload.Mixed or Workload.Watch => worker.Random.Next(100) < _options.ReadPercent ? OpKind.Get : OpKind.Set,
        Workload.Ephemeral => worker.EphemeralExists ? OpKind.Delete : OpKind.Create,
        _ => throw new InvalidOperationException($"no operations for {_options.Workload}"),
    };

    /// <summary>A key chosen uniformly at random.</summary>
    public string NextKey(Worker worker) => Keys[worker.Random.Next(Keys.Count)];
}
