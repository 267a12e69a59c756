using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// Each member's role, live on the dashboard: asked every second (<c>srvr</c> on the client port, three loopback
/// connections a second for three nodes) and published as the node's <c>coord.role</c> property, and as the
/// ensemble's Source (the resource list's column: "node2 leader · node1 follower · node3 follower") and its
/// <c>coord.leader</c> property.
/// <para>
/// Why not the node's state text, where a reader would look first: a project's state belongs to DCP, and Aspire
/// reads it as a lifecycle. DCP's snapshot of an executable (ResourceSnapshotBuilder) writes <c>State</c> afresh at
/// every change of the process, so a "leader" would be overwritten by "Running" at random; worse, while it stood,
/// <c>WaitFor</c> (ResourceNotificationService.WaitUntilStateAsync waits for exactly <c>Running</c>), the health
/// status (CustomResourceSnapshot.ComputeHealthStatus is null unless the state is <c>Running</c>, so
/// WaitForResourceHealthyAsync never returns) and the health monitor's start (ResourceHealthCheckService starts on
/// <c>Running</c>) would all break, and Start/Stop/Restart would treat the node as in an unknown state. A property
/// survives DCP's snapshots (they merge their own properties into the previous ones), and the ensemble is our own
/// resource, not DCP's, whose Source column is free for this. "looking" also shows as the node's "Running
/// (Unhealthy)", since <c>/health</c> fails while a member serves no one.
/// </para>
/// </summary>
internal static class RoleMonitor
{
    public const string RoleProperty = "coord.role";

    public const string LeaderProperty = "coord.leader";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static IResourceBuilder<CoordEnsembleResource> WithRoleMonitor(this IResourceBuilder<CoordEnsembleResource> ensemble) =>
        ensemble.OnInitializeResource((resource, e, startToken) =>
        {
            // The event's token is the start's; the monitor lives as long as the app.
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => RunAsync(resource, e.Notifications, stopping), stopping);
            return Task.CompletedTask;
        });

    private static async Task RunAsync(CoordEnsembleResource ensemble, ResourceNotificationService notifications, CancellationToken stopping)
    {
        var shown = new Dictionary<string, string>();
        string? shownSummary = null;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var roles = await Task.WhenAll(ensemble.Nodes.Select(async node =>
                    (Node: node, Role: IsRunning(notifications, node) ? await NodeRole.AskAsync(node, stopping) : "down")));
                foreach (var (node, role) in roles)
                {
                    if (shown.GetValueOrDefault(node.Name) != role)
                    {
                        shown[node.Name] = role;
                        await notifications.PublishUpdateAsync(node, s => s with { Properties = WithProperty(s.Properties, RoleProperty, role) });
                    }
                }

                var summary = Summary(roles.Select(r => (r.Node.Name, r.Role)));
                if (summary != shownSummary)
                {
                    shownSummary = summary;
                    var leaders = roles.Where(r => r.Role == "leader").Select(r => r.Node.Name).ToList();
                    var leader = leaders.Count == 1 ? leaders[0] : "none";
                    await notifications.PublishUpdateAsync(ensemble, s => s with
                    {
                        Properties = WithProperty(WithProperty(s.Properties, CustomResourceKnownProperties.Source, summary), LeaderProperty, leader),
                    });
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }

    /// <summary>"node2 leader · node1 follower · node3 follower": the leader first, as an operator reads it.</summary>
    internal static string Summary(IEnumerable<(string Node, string Role)> roles) =>
        string.Join(" · ", roles.OrderBy(r => r.Role == "leader" ? 0 : 1).Select(r => $"{r.Node} {r.Role}"));

    private static bool IsRunning(ResourceNotificationService notifications, ProjectResource node) =>
        notifications.TryGetCurrentState(node.Name, out var e) && e.Snapshot.State?.Text == KnownResourceStates.Running;

    internal static System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> WithProperty(
        System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> properties, string name, string value) =>
        [.. properties.Where(p => p.Name != name), new ResourcePropertySnapshot(name, value)];
}
