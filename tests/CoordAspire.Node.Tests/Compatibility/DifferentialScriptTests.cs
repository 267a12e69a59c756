using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.Node.Tests.Compatibility;

/// <summary>
/// The differential suite: every script in tests/java/scripts runs through Apache ZooKeeper's own Java client
/// against our Node, and must print exactly what it prints against Apache ZooKeeper 3.8. The expected outputs were
/// captured from Apache ZooKeeper, and <see cref="HarnessSelfTests"/> re-checks them against a live Apache
/// ZooKeeper in every run, so a drift on either side fails.
/// </summary>
public sealed class DifferentialScriptTests
{
    public static TheoryData<string> Scripts => new(ZkScriptFiles.Names);

    [JavaTheory]
    [MemberData(nameof(Scripts))]
    public async Task Node_answers_the_Java_client_exactly_as_Apache_ZooKeeper(string name)
    {
        await using var node = await CoordAspireNodeServer.StartAsync();
        var result = await JavaZooKeeperClient.RunScriptAsync(node.ConnectString, ZkScriptFiles.ReadScript(name));
        Assert.True(result.ExitCode == 0, result.ToString() + "\n--- node ---\n" + string.Join('\n', node.RecentOutput.TakeLast(40)));
        var diff = ZkScriptFiles.Diff(ZkScriptFiles.ReadExpected(name), result.StdoutLines);
        Assert.True(diff is null, $"{name}.zks on {node}: {diff}\n--- stderr ---\n{result.Stderr}\n--- node ---\n{string.Join('\n', node.RecentOutput.TakeLast(30))}");
    }
}
