using CoordAspire.Client;

namespace CoordAspire.Deploy.Tests;

/// <summary>The whole deployment taken down and brought up again: the named volumes keep every server's dataDir.</summary>
[Collection(ComposeEnsembleCollection.Name)]
public sealed class RestartTests(ComposeEnsembleFixture deployment)
{
    [Fact]
    public async Task Down_then_up_keeps_every_znode()
    {
        await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(30));
        var root = "/restart-" + Guid.NewGuid().ToString("N")[..8];
        var written = new Dictionary<string, string>();
        await using (var client = await ZooKeeperClient.ConnectAsync(deployment.ConnectString, AcknowledgedWrites.ClientOptions()))
        {
            await client.CreateAsync(root);
            for (var i = 0; i < 100; i++)
            {
                var path = $"{root}/n{i:D3}";
                await client.CreateAsync(path, System.Text.Encoding.UTF8.GetBytes("value " + i));
                written[path] = "value " + i;
            }
        }

        var down = await deployment.Deployment.ComposeAsync("down");
        Assert.True(down.ExitCode == 0, $"compose down failed: {down}");
        await deployment.Deployment.UpAsync();
        await deployment.WaitForEnsembleAsync(TimeSpan.FromSeconds(90));

        foreach (var node in ComposeDeployment.Nodes)
        {
            await using var reader = await ZooKeeperClient.ConnectAsync(deployment.Endpoint(node), AcknowledgedWrites.ClientOptions());
            await reader.SyncAsync(root);
            foreach (var (path, value) in written)
            {
                var (data, _) = await reader.GetDataAsync(path);
                Assert.Equal(value, System.Text.Encoding.UTF8.GetString(data));
            }
        }
    }
}
