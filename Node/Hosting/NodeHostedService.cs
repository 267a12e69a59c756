using Microsoft.Extensions.Hosting;

namespace CoordAspire.Node.Hosting;

/// <summary>Runs the <see cref="NodeServer"/> for the lifetime of the generic host (SIGTERM and Ctrl-C stop it).</summary>
internal sealed class NodeHostedService(NodeServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await server.DisposeAsync().ConfigureAwait(false);
}
