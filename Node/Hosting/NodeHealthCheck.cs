using CoordAspire.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CoordAspire.Node.Hosting;

/// <summary>
/// Healthy only while the node serves clients: a standalone server once started; an ensemble member while it leads,
/// or follows a leader it is synchronised with (<see cref="NodeServer.IsServing"/>). A member that is looking for a
/// leader or still syncing is Unhealthy, because a client sent there gets no answer: ZooKeeper's own servers refuse
/// sessions then. So the AppHost's <c>WaitFor</c>, a load balancer and a probe all see "in a quorum" and nothing less.
/// </summary>
internal sealed class NodeHealthCheck(NodeServer server) : IHealthCheck
{
    /// <summary>The registration's name, as <c>/health</c>'s detailed writers and the dashboard show it.</summary>
    public const string Name = "quorum";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string mode = server.Mode.ToZooKeeperName();
        var data = new Dictionary<string, object> { ["mode"] = mode, ["serverId"] = server.Settings.ServerId };
        var result = server.IsServing
            ? HealthCheckResult.Healthy($"serving clients as {mode}", data)
            : server.IsReadOnly
                ? new HealthCheckResult(context.Registration.FailureStatus, "cut off from the quorum: serving read-only clients only", data: data)
                : new HealthCheckResult(context.Registration.FailureStatus, $"not serving clients: {mode}", data: data);
        return Task.FromResult(result);
    }
}
