using System.Globalization;

namespace CoordAspire.LoadTool;

/// <summary>What the tool makes the ensemble do.</summary>
internal enum Workload
{
    /// <summary>Creates new persistent znodes (one path each), deleted again afterwards unless --no-cleanup.</summary>
    Create,

    /// <summary>setData on a fixed set of keys.</summary>
    Set,

    /// <summary>getData on a fixed set of keys.</summary>
    Get,

    /// <summary>getData and setData on a fixed set of keys, <see cref="LoadOptions.ReadPercent"/> of them reads.</summary>
    Mixed,

    /// <summary>As <see cref="Mixed"/>, but every read leaves a watch, so writes fire watch events.</summary>
    Watch,

    /// <summary>Each worker creates an ephemeral znode and deletes it, over and over.</summary>
    Ephemeral,

    /// <summary>Many sessions (one per connection) doing getData; the session establishment is measured too.</summary>
    Sessions,

    /// <summary>setData with 1 connection and 1 request in flight: the latency of one write at a time.</summary>
    SyncSet,

    /// <summary>sync and getData pipelined: ZooKeeper's read that sees every write completed before it (linearizable on
    /// our Node, which confirms its leadership with a quorum for each sync; not on Apache ZooKeeper).</summary>
    FreshGet,

    /// <summary>A steady setData load; the leader (found by <c>srvr</c>) is killed with --kill-command, and the gap until
    /// the first write sent after the kill succeeds is measured.</summary>
    Failover,
}

/// <summary>The command line of <c>coord-load run</c>.</summary>
internal sealed record LoadOptions
{
    public string Servers { get; init; } = "127.0.0.1:2181";

    public Workload Workload { get; init; } = Workload.Set;

    public int Connections { get; init; } = 4;

    /// <summary>Requests in flight per connection (each one a closed loop: the next is sent when its reply arrived).</summary>
    public int InFlight { get; init; } = 100;

    public int ValueSize { get; init; } = 100;

    /// <summary>How many distinct znodes set/get/mixed/watch touch.</summary>
    public int Keys { get; init; } = 1000;

    /// <summary>Percent of the operations of mixed and watch that are reads.</summary>
    public int ReadPercent { get; init; } = 90;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stop after this many measured operations instead of after <see cref="Duration"/>.</summary>
    public long? Count { get; init; }

    /// <summary>Load before the measurement starts, not recorded (the JIT, the servers' caches, TCP windows).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The znode everything lives under; created if missing.</summary>
    public string Root { get; init; } = "/coord-load";

    public bool Cleanup { get; init; } = true;

    /// <summary>Connection i starts on server i mod n of the list instead of a random one, so the load is spread evenly.</summary>
    public bool Spread { get; init; } = true;

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan? ReconnectDelay { get; init; }

    public TimeSpan? ReconnectJitter { get; init; }

    /// <summary>For failover: the shell command that kills the leader; {host} and {port} are its client address.</summary>
    public string? KillCommand { get; init; }

    /// <summary>For failover: how long to keep the load on after the kill (and the longest gap measured).</summary>
    public TimeSpan FailoverWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Server processes whose resident memory (VmRSS from /proc) is sampled every second.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];

    /// <summary>A name for the target in the report (e.g. "apache", "coordaspire").</summary>
    public string Label { get; init; } = "";

    public int Round { get; init; }

    /// <summary>Where to write the JSON report; "-" writes it to stdout instead of the text report.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Progress lines: auto (rewrite one line on a terminal, a line per second otherwise), plain, none.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>Show the client library's log from this level on (Information: every connection made and lost).</summary>
    public Microsoft.Extensions.Logging.LogLevel? ClientLog { get; init; }

    public bool IsWrite => Workload is Workload.Create or Workload.Set or Workload.SyncSet or Workload.Ephemeral or Workload.Failover;
}

internal enum ProgressMode
{
    Auto,
    Plain,
    None,
}

/// <summary>Parses <c>--flag value</c> / <c>--flag=value</c> arguments; every problem is an <see cref="ArgumentException"/>
/// whose message is meant for the user.</summary>
internal static class LoadOptionsParser
{
    public const string Usage = """
        coord-load run [flags]                       load a ZooKeeper ensemble and report throughput and latency
        coord-load compare [--plot FILE.dat] FILES   a table of ratios from reports of two targets (JSON)

        run flags (defaults in brackets):
          -s, --servers LIST       connect string, host:port,host:port[/chroot]   [127.0.0.1:2181]
          -w, --workload NAME      create | set | get | mixed | watch | ephemeral | sessions | sync-set | fresh-get | failover   [set]
          -c, --connections N      sessions, one TCP connection each              [4]
                                   (ZooKeeper allows 60 per client address unless maxClientCnxns=0)
          -i, --in-flight N        requests in flight per connection              [100]
          -v, --value-size BYTES   size of the data written                       [100]
          -k, --keys N             znodes that set/get/mixed/watch touch          [1000]
          -r, --reads PERCENT      reads among mixed and watch operations         [90]
          -d, --duration TIME      measured time, e.g. 30s, 2m, 500ms             [30s]
          -n, --count N            stop after N measured operations instead
              --warmup TIME        unmeasured load first                          [5s]
              --root PATH          znode the workload lives under                 [/coord-load]
              --no-cleanup         leave the znodes created
              --no-spread          let each connection pick its first server at random (the client's default)
              --session-timeout T  session timeout asked for                      [30s]
              --reconnect-delay T  the client's ReconnectDelay                    [client default 1s; failover 0]
              --reconnect-jitter T the client's ReconnectJitter                   [client default 1s; failover 10ms]
              --kill-command CMD   failover: shell command that kills the leader; {host} {port} = its client address
              --failover-window T  failover: load kept on after the kill          [15s]
              --server-pids LIST   pids whose VmRSS is sampled each second (comma-separated)
              --label NAME         name of the target in the report
              --round N            round number in the report (side-by-side runs)
              --json FILE          also write the report as JSON ("-": JSON on stdout instead of text)
              --progress MODE      auto | plain | none                            [auto]
              --client-log LEVEL   the client library's log on stderr: info (connections made and lost) | warning
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        bool inFlightSet = false, connectionsSet = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{arg} needs a value");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "-s" or "--servers": options = options with { Servers = Value() }; break;
                case "-w" or "--workload": options = options with { Workload = ParseWorkload(Value()) }; break;
                case "-c" or "--connections": options = options with { Connections = ParseInt(arg, Value(), 1) }; connectionsSet = true; break;
                case "-i" or "--in-flight": options = options with { InFlight = ParseInt(arg, Value(), 1) }; inFlightSet = true; break;
                case "-v" or "--value-size": options = options with { ValueSize = ParseInt(arg, Value(), 0) }; break;
                case "-k" or "--keys": options = options with { Keys = ParseInt(arg, Value(), 1) }; break;
                case "-r" or "--reads": options = options with { ReadPercent = ParsePercent(arg, Value()) }; break;
                case "-d" or "--duration": options = options with { Duration = ParseTime(arg, Value()) }; break;
                case "-n" or "--count": options = options with { Count = ParseInt(arg, Value(), 1) }; break;
                case "--warmup": options = options with { Warmup = ParseTime(arg, Value(), allowZero: true) }; break;
                case "--root": options = options with { Root = ParseRoot(Value()) }; break;
                case "--no-cleanup": options = options with { Cleanup = false }; break;
                case "--no-spread": options = options with { Spread = false }; break;
                case "--session-timeout": options = options with { SessionTimeout = ParseTime(arg, Value()) }; break;
                case "--reconnect-delay": options = options with { ReconnectDelay = ParseTime(arg, Value(), allowZero: true) }; break;
                case "--reconnect-jitter": options = options with { ReconnectJitter = ParseTime(arg, Value(), allowZero: true) }; break;
                case "--kill-command": options = options with { KillCommand = Value() }; break;
                case "--failover-window": options = options with { FailoverWindow = ParseTime(arg, Value()) }; break;
                case "--server-pids": options = options with { ServerPids = ParsePids(arg, Value()) }; break;
                case "--label": options = options with { Label = Value() }; break;
                case "--round": options = options with { Round = ParseInt(arg, Value(), 0) }; break;
                case "--json": options = options with { JsonPath = Value() }; break;
                case "--progress": options = options with { Progress = ParseProgress(Value()) }; break;
                case "--client-log": options = options with { ClientLog = ParseLogLevel(Value()) }; break;
                default: throw new ArgumentException($"unknown flag {arg}");
            }
        }

        if (options.Workload == Workload.SyncSet)
        {
            if ((connectionsSet && options.Connections != 1) || (inFlightSet && options.InFlight != 1))
            {
                throw new ArgumentException("sync-set is 1 connection with 1 request in flight; use set for more");
            }

            options = options with { Connections = 1, InFlight = 1 };
        }

        if (options.Workload == Workload.Failover)
        {
            if (options.KillCommand is null)
            {
                throw new ArgumentException("failover needs --kill-command (e.g. 'kill -9 $(cat /run/zk-{port}.pid)')");
            }

            // The gap measured is the servers', not the client's back-off: reconnect at once unless told otherwise.
            options = options with
            {
                ReconnectDelay = options.ReconnectDelay ?? TimeSpan.Zero,
                ReconnectJitter = options.ReconnectJitter ?? TimeSpan.FromMilliseconds(10),
            };
        }

        if (options.Count is not null && options.Workload == Workload.Failover)
        {
            throw new ArgumentException("failover runs for a time (--failover-window), not a count");
        }

        return options;
    }

    public static Workload ParseWorkload(string text) => text.ToLowerInvariant() switch
    {
        "create" => Workload.Create,
        "set" => Workload.Set,
        "get" => Workload.Get,
        "mixed" => Workload.Mixed,
        "watch" or "watch-heavy" => Workload.Watch,
        "ephemeral" or "ephemeral-churn" => Workload.Ephemeral,
        "sessions" or "many-sessions" => Workload.Sessions,
        "sync-set" or "syncset" => Workload.SyncSet,
        "fresh-get" or "sync-get" => Workload.FreshGet,
        "failover" => Workload.Failover,
        _ => throw new ArgumentException($"unknown workload \"{text}\" (create, set, get, mixed, watch, ephemeral, sessions, sync-set, fresh-get, failover)"),
    };

    /// <summary>The workload's name as written on the command line and in reports.</summary>
    public static string Name(Workload workload) => workload switch
    {
        Workload.SyncSet => "sync-set",
        Workload.FreshGet => "fresh-get",
        _ => workload.ToString().ToLowerInvariant(),
    };

    /// <summary>A time: a number with ms, s, m or h (a bare number is seconds).</summary>
    public static TimeSpan ParseTime(string flag, string text, bool allowZero = false)
    {
        string t = text.Trim().ToLowerInvariant();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ when t.EndsWith('h') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || double.IsInfinity(value)
            || (value == 0 && !allowZero))
        {
            throw new ArgumentException($"{flag}: \"{text}\" is not a time such as 500ms, 30s or 2m");
        }

        return TimeSpan.FromSeconds(value * scale);
    }

    private static int ParseInt(string flag, string text, int min)
    {
        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
        {
            throw new ArgumentException($"{flag}: \"{text}\" is not a whole number ≥ {min}");
        }

        return value;
    }

    private static int ParsePercent(string flag, string text)
    {
        int value = ParseInt(flag, text.TrimEnd('%'), 0);
        return value <= 100 ? value : throw new ArgumentException($"{flag}: {text} is more than 100 percent");
    }

    private static string ParseRoot(string text)
    {
        if (!text.StartsWith('/') || text.Length < 2 || text.EndsWith('/'))
        {
            throw new ArgumentException($"--root: \"{text}\" is not a znode path such as /coord-load");
        }

        return text;
    }

    private static int[] ParsePids(string flag, string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => ParseInt(flag, p, 1))];

    private static Microsoft.Extensions.Logging.LogLevel ParseLogLevel(string text) => text.ToLowerInvariant() switch
    {
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "info" or "information" => Microsoft.Extensions.Logging.LogLevel.Information,
        "warning" or "warn" => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => throw new ArgumentException($"--client-log: \"{text}\" is not debug, info or warning"),
    };

    private static ProgressMode ParseProgress(string text) => text.ToLowerInvariant() switch
    {
        "auto" => ProgressMode.Auto,
        "plain" => ProgressMode.Plain,
        "none" => ProgressMode.None,
        _ => throw new ArgumentException($"--progress: \"{text}\" is not auto, plain or none"),
    };
}
