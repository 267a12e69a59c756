// coord-load: a load generator for any ZooKeeper ensemble (Apache ZooKeeper or CoordAspire), built on the
// CoordAspire client library only. `run` loads the ensemble and reports throughput and latency percentiles;
// `compare` turns the JSON reports of two targets into the side-by-side table (bench/side-by-side.sh uses both).
using CoordAspire.LoadTool;

string command = args.Length == 0 || args[0].StartsWith('-') ? "run" : args[0];
var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
try
{
    return command switch
    {
        "run" => await RunAsync(rest),
        "compare" => Compare(rest),
        "help" or "--help" or "-h" => Help(0),
        _ => throw new ArgumentException($"unknown command \"{command}\""),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"coord-load: {e.Message} (coord-load help lists the flags)");
    return 2;
}

static int Help(int exitCode)
{
    (exitCode == 0 ? Console.Out : Console.Error).WriteLine(LoadOptionsParser.Usage);
    return exitCode;
}

static async Task<int> RunAsync(string[] args)
{
    if (args.Any(a => a is "-h" or "--help"))
    {
        return Help(0);
    }

    var options = LoadOptionsParser.Parse(args);
    var progress = ProgressPrinter.For(options.Progress);
    var runner = new LoadRunner(options, progress);
    bool interrupted = false;
    Console.CancelKeyPress += (_, e) =>
    {
        // The first Ctrl+C ends the measurement and reports it; a second one ends the process.
        if (!interrupted)
        {
            interrupted = true;
            e.Cancel = true;
            runner.RequestStop();
        }
    };

    LoadReport report;
    try
    {
        report = await runner.RunAsync();
    }
    catch (Exception e) when (e is CoordAspire.Client.KeeperException or InvalidOperationException or TimeoutException)
    {
        Console.Error.WriteLine($"coord-load: {e.Message}");
        return 1;
    }

    if (options.JsonPath == "-")
    {
        Console.Out.WriteLine(report.ToJson());
    }
    else
    {
        Console.Out.Write(report.ToText());
        if (options.JsonPath is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToJson());
        }
    }

    return report.Failover is { GapMs: null } ? 1 : 0;
}

static int Compare(string[] args)
{
    string baseline = "apache", candidate = "coordaspire";
    string baselineName = "Apache ZooKeeper", candidateName = "CoordAspire";
    string? plot = null;
    var files = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--baseline": baseline = Value(); break;
            case "--candidate": candidate = Value(); break;
            case "--baseline-name": baselineName = Value(); break;
            case "--candidate-name": candidateName = Value(); break;
            case "--plot": plot = Value(); break;
            default: files.Add(args[i]); break;
        }
    }

    var reports = files.SelectMany(f => Directory.Exists(f) ? Directory.GetFiles(f, "*.json") : [f])
        .Select(f => LoadReport.FromJson(File.ReadAllText(f))).ToList();
    if (reports.Count == 0)
    {
        throw new ArgumentException("compare needs report files (or folders of them) written by run --json");
    }

    var rows = Comparison.Compare(reports, baseline, candidate);
    Console.Out.Write(Comparison.ToMarkdown(rows, baselineName, candidateName));
    if (plot is not null)
    {
        File.WriteAllText(plot, Comparison.ToPlotData(rows));
    }

    return 0;
}
