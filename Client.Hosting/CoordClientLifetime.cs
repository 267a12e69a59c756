using Microsoft.Extensions.Hosting;

namespace CoordAspire.Client.Hosting;

/// <summary>
/// Ties a registered client to the host's life: at start it creates the client (so it connects while the app
/// starts, and a bad configuration fails the start) and, if asked, waits for the first session; at stop it closes the
/// session, so the server drops its ephemerals (locks, registrations, leadership) at once rather than after the
/// session timeout.
/// </summary>
internal sealed class CoordClientLifetime(Func<ZooKeeperClient> client, CoordClientSettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = client();
        if (settings.WaitForConnectionOnStart)
        {
            try
            {
                await started.WaitUntilConnectedAsync(cancellationToken).WaitAsync(settings.Options.ConnectTimeout, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new ConnectionLossException(
                    message: $"no server of {started.ConnectString} granted a session within {settings.Options.ConnectTimeout}", inner: e);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => client().CloseAsync().WaitAsync(cancellationToken);
}
