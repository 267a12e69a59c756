using System.Net;
using CoordAspire.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Hosting;

/// <summary>
/// ZooKeeper's AdminServer on Kestrel: HTTP on <c>admin.serverAddress:admin.serverPort</c> (all interfaces, 8080 by
/// default) for <c>/health</c>, <c>/alive</c> and <c>admin.commandURL</c>. It wraps Kestrel so that, as in ZooKeeper
/// (<c>ZooKeeperServerMain</c> catches the <c>AdminServerException</c> of a port in use and logs "Problem starting
/// AdminServer"), a port that cannot be bound is a warning and the node serves its clients without HTTP: the many
/// nodes a test suite runs side by side all start with the default port, and a coordination service must not go down
/// for want of its status page. <c>admin.enableServer=false</c> starts no HTTP at all.
/// </summary>
internal sealed class AdminServer(IServer kestrel, ZooConfig config, ILogger<AdminServer> logger) : IServer
{
    private bool _started;

    public IFeatureCollection Features => kestrel.Features;

    /// <summary>Where Kestrel listens: ZooKeeper's <c>new InetSocketAddress(admin.serverAddress, admin.serverPort)</c>.</summary>
    public static IPEndPoint EndPointFor(ZooConfig config) => ListenAddress.Resolve(config.AdminServerAddress, config.AdminServerPort);

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        if (!config.AdminEnableServer)
        {
            Log.AdminServerDisabled(logger);
            return;
        }

        try
        {
            await kestrel.StartAsync(application, cancellationToken).ConfigureAwait(false);
            _started = true;
            Log.AdminServerStarted(logger, EndPointFor(config), config.AdminCommandUrl);
        }
        catch (IOException e)
        {
            // Kestrel's "Failed to bind to address …: address already in use" (AddressInUseException), or the like.
            Log.AdminServerFailed(logger, EndPointFor(config), e.Message.TrimEnd('.'));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _started ? kestrel.StopAsync(cancellationToken) : Task.CompletedTask;

    public void Dispose() => kestrel.Dispose();
}
