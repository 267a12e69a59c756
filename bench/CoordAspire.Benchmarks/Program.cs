using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using CoordAspire.Benchmarks;
using CoordAspire.Benchmarks.EndToEnd;

// Micro-benchmarks run through BenchmarkDotNet (`-- --filter '*TxnLog*'`); `-- e2e` instead drives real server
// processes, ours and Apache ZooKeeper, over TCP with our client library (see EndToEnd/EndToEndRunner.cs).
if (args.Length > 0 && args[0] == "e2e")
{
    return await EndToEndRunner.RunAsync(args[1..]);
}

// Reports go beside this project (git ignores them) unless --artifacts says otherwise.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.WithArtifactsPath(RepositoryPaths.Artifacts));
return 0;
