using CoordAspire.Client;

namespace CoordAspire.LoadTool;

/// <summary>The kinds of operation the workloads send; each has its own latency histogram.</summary>
internal enum OpKind
{
    Create,
    Set,
    Get,
    Delete,

    /// <summary>sync + getData, pipelined, timed together.</summary>
    FreshGet,
}

/// <summary>
/// One closed loop on one connection: it sends an operation, waits for its reply, and sends the next, so a connection
/// with <see cref="LoadOptions.InFlight"/> workers has that many requests in flight.
/// </summary>
internal sealed class Worker(ZooKeeperClient client, int connection, int slot)
{
    public ZooKeeperClient Client { get; } = client;

    public int Connection { get; } = connection;

    public int Slot { get; } = slot;

    /// <summary>Seeded by position, so two runs send the same sequence of keys.</summary>
    public Random Random { get; } = new(connection * 100_003 + slot);

    /// <summary>create: how many znodes this worker has asked to create (their names end in 0 … Created-1).</summary>
    public long Created { get; set; }

    /// <summary>ephemeral: whether this worker's ephemeral znode exists now (so the next operation deletes it).</summary>
    public bool EphemeralExists { get; set; }

    public string CreatePath(string root, long sequence) => $"{root}/create/c{Connection}-{Slot}-{sequence}";

    public string EphemeralPath(string root) => $"{root}/ephemeral/e{Connection}-{Slot}";
}
