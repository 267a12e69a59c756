using CoordAspire.Configuration;
using CoordAspire.Node.Quorum;
using CoordAspire.Zab;
using Microsoft.Extensions.Logging;
using CoordAspire.Server.Replication;

namespace CoordAspire.Node.Replication;

/// <summary>
/// A member's two server-to-server ports and its core's clock: the election port (notifications), the quorum port
/// (the leader's learners, or a learner's connection to its leader), and a timer that ticks the core every
/// <see cref="EnsembleSetup.CoreTickMs"/>. Everything that arrives is posted to the member's loop.
/// </summary>
internal sealed class QuorumPeerNetwork : Server.Host.IPeerTransport, IAsyncDisposable
{
    private readonly ElectionChannel _election;
    private readonly QuorumChannel _quorum;
    private readonly CancellationTokenSource _stop = new();
    private EnsembleMember? _member;
    private Task _ticks = Task.CompletedTask;

    public QuorumPeerNetwork(ZooConfig config, ILoggerFactory loggerFactory)
    {
        long myId = config.ServerId ?? throw new ZooConfigException(config.ConfigFile ?? "zoo.cfg", null, "an ensemble member needs its id in dataDir/myid");
        var addresses = new PeerAddresses();
        _election = new ElectionChannel(
            myId, config.Servers, config.QuorumListenOnAllIPs, n => _member?.Received(n), loggerFactory.CreateLogger<ElectionChannel>(),
            configVersion: config.ConfigVersion, addresses: addresses);
        _quorum = new QuorumChannel(
            myId, config.Servers, config.QuorumListenOnAllIPs, m => _member?.Received(m), sid => _member?.ConnectionLost(sid),
            loggerFactory.CreateLogger<QuorumChannel>(), configVersion: config.ConfigVersion, addresses: addresses);
    }

    public void Attach(EnsembleMember member) => _member = member;

    public void Send(Notification notification) => _election.Send(notification);

    public void Send(QuorumMessage message) => _quorum.Send(message);

    /// <summary>Our election is over (we lead or follow): the LOOKING votes still kept for the peers are stale.</summary>
    public void ElectionEnded() => _election.ForgetLookingVotes();

    /// <summary>Binds both ports (throwing if one is taken) and starts the core's clock.</summary>
    public void Start()
    {
        _election.Start();
        _quorum.Start();
        _ticks = TickAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _ticks.ConfigureAwait(false);
        await _election.DisposeAsync().ConfigureAwait(false);
        await _quorum.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(EnsembleSetup.CoreTickMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                _member?.PostTick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
