using CoordAspire.Database.Tree;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using CoordAspire.Storage;

namespace CoordAspire.Node.Tests.Persistence;

/// <summary><c>CoordAspire.Node purge zoo.cfg -n 3</c> keeps what zkCleanup.sh keeps, run as the real program.</summary>
public sealed class PurgeCommandTests
{
    [Fact]
    public async Task Purge_keeps_the_newest_snapshots_and_the_logs_they_need()
    {
        var directory = Directory.CreateTempSubdirectory("coordaspire-purge-").FullName;
        try
        {
            string dataDir = Path.Combine(directory, "data");
            var tree = new DataTree();
            var sessions = new Dictionary<long, int>();
            using (var data = new DataDirectory(dataDir, logOptions: new TxnLogOptions { PreAllocSize = 4096 }))
            {
                long zxid = 0;
                for (int snapshot = 0; snapshot < 5; snapshot++)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        var header = new TxnHeader(0, 0, ++zxid, 0, Protocol.OpCode.Create);
                        var txn = new CreateTxn($"/n{zxid}", [], Acls.OpenAclUnsafe, false, -1);
                        data.TxnLog.Append(header, txn);
                        tree.ProcessTxn(header, txn);
                    }

                    data.TxnLog.Commit();
                    data.TxnLog.RollLog();
                    data.Save(tree, sessions);
                }
            }

            string cfg = Path.Combine(directory, "zoo.cfg");
            await File.WriteAllTextAsync(cfg, $"tickTime=2000\ndataDir={dataDir}\nclientPort={FreePort.Next()}\n");
            var result = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "purge", cfg, "-n", "3"], null, TimeSpan.FromMinutes(1));
            Assert.True(result.ExitCode == 0, result.ToString());

            var snapshots = Directory.GetFiles(Path.Combine(dataDir, "version-2"), "snapshot.*").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["snapshot.f", "snapshot.c", "snapshot.9"], snapshots.OrderByDescending(s => Convert.ToInt64(s![9..], 16)).ToList());

            // What is left still restores to the whole tree.
            using var restored = new DataDirectory(dataDir);
            var restoredTree = new DataTree();
            restored.Restore(restoredTree, new Dictionary<long, int>());
            Assert.Equal(tree.NodeCount, restoredTree.NodeCount);

            var refused = await ProcessRunner.RunAsync("dotnet", [CoordAspireNodeServer.ProgramPath, "purge", cfg, "-n", "2"], null, TimeSpan.FromMinutes(1));
            Assert.Equal(2, refused.ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
