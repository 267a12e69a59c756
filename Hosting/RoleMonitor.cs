using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// Each member's role, live on the dashboard: asked (<c>srvr</c> on the client port, as <c>zkServer.sh status</c>
/// does) whenever a member's state or health changes and every second until the ensemble has settled, and published
/// as the node's <c>coord.role</c> property, and as the ensemble's Source (the resource list's column:
/// "node2 leader · node1 follower · node3 follower") and its <c>coord.leader</c> property.
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

    /// <summary>While the ensemble is unsettled (no single leader, a member looking or not answering): as fast as an
    /// election is, so the dashboard shows it as it happens.</summary>
    private static readonly TimeSpan UnsettledInterval = TimeSpan.FromSeconds(1);

    /// <summary>Once settled, only on a change a member's state or health shows, and as a backstop at Aspire's own
    /// healthy health-check interval: every <c>srvr</c> is a span in the node's traces, and a poll a second would
    /// fill the dashboard's trace store with them and push out the elections and proposals a person came to see.</summary>
    private static readonly TimeSpan SettledInterval = TimeSpan.FromSeconds(30);

    public static IResourceBuilder<CoordEnsembleResource> WithRoleMonitor(this IResourceBuilder<CoordEnsembleResource> ensemble) =>
        ensemble.OnInitializeResource((resource, e, startToken) =>
        {
            // The event's token is the start's; the monitor lives as long as the app.
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var changed = new SemaphoreSlim(0);
            _ = Task.Run(() => WatchMembersAsync(resource, e.Notifications, changed, stopping), stopping);
            _ = Task.Run(() => RunAsync(resource, e.Notifications, changed, stopping), stopping);
            return Task.CompletedTask;
        });

    /// <summary>
    /// Signals <paramref name="changed"/> when a member's state or health changes. A ZAB server changes role only by
    /// way of LOOKING, and what makes it look (a member stopped, killed, started; a leader that lost its quorum) is a
    /// process event or a failing <c>/health</c>, which Aspire reports here.
    /// </summary>
    private static async Task WatchMembersAsync(CoordEnsembleResource ensemble, ResourceNotificationService notifications, SemaphoreSlim changed, CancellationToken stopping)
    {
        var seen = new Dictionary<string, (string?, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus?)>();
        try
        {
            await foreach (var e in notifications.WatchAsync(stopping))
            {
                if (e.Resource is ProjectResource node && ensemble.Nodes.Contains(node))
                {
                    var now = (e.Snapshot.State?.Text, e.Snapshot.HealthStatus);
                    if (!seen.TryGetValue(node.Name, out var was) || was != now)
                    {
                        seen[node.Name] = now;
                        changed.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }

    private static async Task RunAsync(CoordEnsembleResource ensemble, ResourceNotificationService notifications, SemaphoreSlim changed, CancellationToken stopping)
    {
        var shown = new Dictionary<string, string>();
        string? shownSummary = null;
        try
        {
            while (true)
            {
                // Whatever was signalled up to now is answered by this poll.
                while (changed.CurrentCount > 0)
                {
                    await changed.WaitAsync(stopping);
                }

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

                var leaders = roles.Where(r => r.Role == "leader").Select(r => r.Node.Name).ToList();
                var summary = Summary(roles.Select(r => (r.Node.Name, r.Role)));
                if (summary != shownSummary)
                {
                    shownSummary = summary;
                    var leader = leaders.Count == 1 ? leaders[0] : "none";
                    await notifications.PublishUpdateAsync(ensemble, s => s with
                    {
                        Properties = WithProperty(WithProperty(s.Properties, CustomResourceKnownProperties.Source, summary), LeaderProperty, leader),
                    });
                }

                var settled = roles.All(r => r.Role is not (NodeRole.Looking or NodeRole.NotAnswering))
                    && (leaders.Count == 1 || roles.All(r => r.Role is "standalone" or "down"));
                await changed.WaitAsync(settled ? SettledInterval : UnsettledInterval, stopping);
            }
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
