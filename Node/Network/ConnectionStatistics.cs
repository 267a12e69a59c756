using CoordAspire.Protocol;

namespace CoordAspire.Node.Network;

/// <summary>
/// A connection's counters as ZooKeeper's <c>ServerCnxn</c> keeps them for <c>cons</c> and <c>stat</c>: packets in and
/// out, and the last operation with its latency. Updated on the request loop (packets received, on the reader, are
/// atomic); read on the loop by the four letter words, which therefore see a consistent set.
/// </summary>
internal sealed class ConnectionStatistics
{
    private long _packetsReceived;
    private long _count;
    private long _totalLatency;

    public ConnectionStatistics() => Reset();

    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    public long PacketsSent { get; private set; }

    /// <summary>Wall-clock milliseconds at which the session was established on this connection; 0 before.</summary>
    public long EstablishedWallMs { get; set; }

    public string LastOperation { get; private set; } = "NA";

    public long LastCxid { get; private set; }

    public long LastZxid { get; private set; }

    /// <summary>Monotonic milliseconds (ZooKeeper's <c>Time.currentElapsedTime</c>) of the last response.</summary>
    public long LastResponseTime { get; private set; }

    public long LastLatency { get; private set; }

    public long MinLatency { get; private set; }

    public long MaxLatency { get; private set; }

    public long AvgLatency => _count == 0 ? 0 : _totalLatency / _count;

    public void PacketReceived() => Interlocked.Increment(ref _packetsReceived);

    public void PacketSent() => PacketsSent++;

    /// <summary><c>ServerCnxn.updateStatsForResponse</c>: special xids (pings, notifications) do not replace the last cxid.</summary>
    public void Response(long cxid, long zxid, string operation, long latency, long nowElapsed)
    {
        if (cxid >= 0)
        {
            LastCxid = cxid;
        }

        LastZxid = zxid;
        LastOperation = operation;
        LastResponseTime = nowElapsed;
        LastLatency = latency;
        MinLatency = _count == 0 ? latency : Math.Min(MinLatency, latency);
        MaxLatency = Math.Max(MaxLatency, latency);
        _count++;
        _totalLatency += latency;
    }

    /// <summary><c>crst</c>: <c>ServerCnxn.resetStats</c>.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _packetsReceived, 0);
        PacketsSent = 0;
        MinLatency = 0;
        MaxLatency = 0;
        LastOperation = "NA";
        LastCxid = -1;
        LastZxid = -1;
        LastResponseTime = 0;
        LastLatency = 0;
        _count = 0;
        _totalLatency = 0;
    }

    /// <summary>The four-letter names <c>FinalRequestProcessor</c> gives operations in <c>cons</c> output.</summary>
    public static string OperationName(OpCode op) => op switch
    {
        OpCode.Ping => "PING",
        OpCode.CreateSession => "SESS",
        OpCode.Multi => "MULT",
        OpCode.MultiRead => "MLTR",
        OpCode.Create or OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer => "CREA",
        OpCode.Delete or OpCode.DeleteContainer => "DELE",
        OpCode.SetData => "SETD",
        OpCode.Reconfig => "RECO",
        OpCode.SetAcl => "SETA",
        OpCode.CloseSession => "CLOS",
        OpCode.Sync => "SYNC",
        OpCode.Check => "CHEC",
        OpCode.Exists => "EXIS",
        OpCode.GetData => "GETD",
        OpCode.SetWatches => "SETW",
        OpCode.SetWatches2 => "STW2",
        OpCode.AddWatch => "ADDW",
        OpCode.GetAcl => "GETA",
        OpCode.GetChildren or OpCode.GetChildren2 => "GETC",
        OpCode.GetAllChildrenNumber => "GETACN",
        OpCode.CheckWatches => "CHKW",
        OpCode.RemoveWatches => "REMW",
        OpCode.WhoAmI => "HOMI",
        OpCode.GetEphemerals => "GETE",
        OpCode.Auth => "AUTH",
        _ => "NA",
    };
}
