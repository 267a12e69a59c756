using CoordAspire.AppHost.Tests.Telemetry;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace CoordAspire.AppHost.Tests;

/// <summary>
/// The AppHost as an Aspire user meets it (issue 6): the ensemble comes up healthy, the sample tells its story, the
/// nodes' telemetry reaches an OTLP endpoint, the dashboard's commands work. Nothing here stops a node; see
/// <see cref="FailoverTests"/> for that.
/// </summary>
public sealed class EnsembleTests(EnsembleFixture ensemble) : IClassFixture<EnsembleFixture>
{

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_node_is_healthy_on_its_admin_port_and_answers_four_letter_words_there()
    {
        foreach (var node in EnsembleFixture.Nodes)
        {
            using var http = ensemble.App.CreateHttpClient(node, CoordEnsembleResource.AdminEndpointName);
            var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));

            var srvr = await http.GetStringAsync(new Uri("/commands/srvr", UriKind.Relative));
            Assert.Contains("Mode: ", srvr, StringComparison.Ordinal);
            var unknown = await http.GetAsync(new Uri("/commands/nope", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
    }

    [Fact]
    public async Task The_connection_string_lists_every_client_endpoint()
    {
        var connectionString = await ensemble.App.GetConnectionStringAsync("coord");
        Assert.Equal(string.Join(',', EnsembleFixture.Nodes.Select(ensemble.ClientEndPoint)), connectionString);
    }

    [Fact]
    public async Task The_sample_client_takes_the_lock_and_says_so()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var running = await ensemble.Notifications.WaitForResourceAsync("sample", e => e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        var logs = ensemble.App.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in logs.WatchAsync(running.ResourceId).WithCancellation(timeout.Token))
        {
            if (batch.Any(line => line.Content.Contains("holds the lock", StringComparison.Ordinal)))
            {
                return;
            }
        }
    }

    [Fact]
    public async Task A_node_exports_its_spans_and_metrics_over_OTLP()
    {
        // A four letter word is a span of the node's own ActivitySource; the connection it came on, a measurement.
        _ = await ensemble.ModeAsync("node2");
        var span = await ensemble.Telemetry.WaitForSpanAsync(s => s.Service == "node2" && s.Name == "4lw srvr", Timeout);
        Assert.Equal("CoordAspire.Node", span.Scope);
        await ensemble.Telemetry.WaitForMetricAsync(m => m.Service == "node2" && m.Scope == "CoordAspire.Node", Timeout);

        // The sample's requests are spans of the client library: a write's trace starts in the caller.
        await ensemble.Telemetry.WaitForSpanAsync(s => s.Service == "sample" && s.Scope == "CoordAspire.Client", Timeout);
    }

    [Fact]
    public async Task Show_leader_asks_every_node()
    {
        var result = await ensemble.ExecuteCommandAsync("coord", "show-leader");
        var answer = result.Message;
        Assert.NotNull(answer);
        foreach (var node in EnsembleFixture.Nodes)
        {
            Assert.Contains(node + ": ", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Exactly_one_node_leads_and_the_others_follow()
    {
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        foreach (var node in EnsembleFixture.Nodes.Where(n => n != leader))
        {
            Assert.Equal("follower", await ensemble.ModeAsync(node));
        }

        var result = await ensemble.ExecuteCommandAsync("coord", "show-leader");
        Assert.True(result.Success, result.Message);
        Assert.StartsWith(leader + " is the leader", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_nodes_role_is_shown_live_and_its_state_stays_Aspires()
    {
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        foreach (var node in EnsembleFixture.Nodes)
        {
            var shown = await ensemble.WaitForRoleAsync(node, node == leader ? "leader" : "follower", Timeout);
            // The role is beside the state, not in it: WaitFor, health and Start/Stop/Restart read Running.
            Assert.Equal(KnownResourceStates.Running, shown.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, shown.Snapshot.HealthStatus);
        }

        // The ensemble's row in the resource list: its Source column, and the coord.leader property.
        using var timeout = new CancellationTokenSource(Timeout);
        var coord = await ensemble.Notifications.WaitForResourceAsync(
            "coord", e => EnsembleFixture.Property(e, CustomResourceKnownProperties.Source)?.StartsWith($"{leader} leader", StringComparison.Ordinal) == true, timeout.Token);
        Assert.Equal(leader, EnsembleFixture.Property(coord, "coord.leader"));
        Assert.Equal("CoordEnsemble", coord.Snapshot.ResourceType);
        foreach (var follower in EnsembleFixture.Nodes.Where(n => n != leader))
        {
            Assert.Contains($"{follower} follower", EnsembleFixture.Property(coord, CustomResourceKnownProperties.Source), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_write_through_one_node_is_read_on_the_others()
    {
        var path = $"/ensemble-tests-{Guid.NewGuid():N}";
        await using (var writer = await ensemble.ConnectAsync("node1"))
        {
            await writer.CreateAsync(path, "written through node1"u8.ToArray());
        }

        foreach (var node in new[] { "node2", "node3" })
        {
            await using var reader = await ensemble.ConnectAsync(node);
            await reader.SyncAsync(path); // a follower's read is as new as its last commit; sync makes it the leader's
            var (data, _) = await reader.GetDataAsync(path);
            Assert.Equal("written through node1", Encoding.UTF8.GetString(data));
        }
    }

    [Fact]
    public async Task Elections_and_proposals_are_traced_across_the_ensemble()
    {
        // Every node took part in the election that formed the ensemble, and says so.
        foreach (var node in EnsembleFixture.Nodes)
        {
            var election = await ensemble.Telemetry.WaitForSpanAsync(
                s => s.Service == node && s.Name.Contains("election", StringComparison.OrdinalIgnoreCase), Timeout);
            Assert.Contains(election.Attributes.Keys, k => k.Contains("leader", StringComparison.OrdinalIgnoreCase));
        }

        // A write through a follower: the proposal is a span on the leader, with an event per ACK, in the trace that
        // this test's client span started; the follower's part (forwarding, logging, acknowledging) is in it too.
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        var follower = EnsembleFixture.Nodes.First(n => n != leader);
        using var listener = ClientSpans.Listen();
        await using var client = await ensemble.ConnectAsync(follower);
        var path = $"/traced-{Guid.NewGuid():N}";
        await client.CreateAsync(path);
        var traceId = listener.Single(path).TraceId.ToHexString();

        var proposal = await ensemble.Telemetry.WaitForSpanAsync(
            s => s.Service == leader && s.Name.Contains("proposal", StringComparison.OrdinalIgnoreCase) && s.TraceId == traceId, Timeout);
        Assert.Contains(proposal.Events, e => e.Contains("ack", StringComparison.OrdinalIgnoreCase));
        await ensemble.Telemetry.WaitForSpanAsync(s => s.Service == follower && s.TraceId == traceId, Timeout);
    }

    [Fact]
    public async Task The_mntr_figures_are_exported_as_metrics_and_logs_carry_zxids_and_session_ids()
    {
        var leader = await ensemble.WaitForLeaderAsync(EnsembleFixture.Nodes, Timeout);
        var followers = EnsembleFixture.Nodes.Where(n => n != leader).ToList();
        await using (var client = await ensemble.ConnectAsync(followers[0]))
        {
            await client.CreateAsync($"/metered-{Guid.NewGuid():N}");
        }

        // The leader counts the proposal, times its commit, and reports the election that made it leader.
        var telemetry = ensemble.Telemetry;
        await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.proposals" && m.Points.Any(p => p.Value >= 1), Timeout);
        await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.commit.duration" && m.Points.Any(p => p.Value >= 1), Timeout);
        await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.elections" && m.Points.Any(p => p.Value >= 1), Timeout);
        await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.election.duration", Timeout);

        // The leader's mntr figures: both followers synced, and a lag for each of them.
        await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.synced_followers" && m.Points.Any(p => p.Value == 2), Timeout);
        var lag = await telemetry.WaitForMetricAsync(m => m.Service == leader && m.Name == "coordaspire.zab.learner.lag" && m.Points.Count == 2, Timeout);
        Assert.Equal(
            followers.Select(f => f[^1..]).Order(),
            lag.Points.Select(p => p.Attributes["zab.learner.id"]).Order());
        await telemetry.WaitForMetricAsync(m => m.Service == followers[1] && m.Name == "coordaspire.zab.learner.apply_lag", Timeout);

        // Every node reports its tree and sessions: the write above, and the sample's session, are in them.
        foreach (var node in EnsembleFixture.Nodes)
        {
            await telemetry.WaitForMetricAsync(m => m.Service == node && m.Name == "coordaspire.node.znodes" && m.Points.Any(p => p.Value >= 6), Timeout);
            await telemetry.WaitForMetricAsync(m => m.Service == node && m.Name == "coordaspire.node.sessions" && m.Points.Any(p => p.Value >= 1), Timeout);
        }

        // mntr says the same as the gauges, in ZooKeeper 3.8's names.
        using var http = ensemble.App.CreateHttpClient(leader, CoordEnsembleResource.AdminEndpointName);
        var mntr = await http.GetStringAsync(new Uri("/commands/mntr", UriKind.Relative));
        Assert.Contains("zk_peer_state\tleading - broadcast\n", mntr, StringComparison.Ordinal);
        Assert.Contains("zk_synced_followers\t2\n", mntr, StringComparison.Ordinal);
        Assert.DoesNotContain("zk_proposal_count\t0\n", mntr, StringComparison.Ordinal);

        // Our session's creation is logged where it connected, with its id and its transaction's zxid as structured
        // fields in 0x… form: the text the message and the spans show.
        var established = await telemetry.WaitForLogAsync(
            l => l.Service == followers[0] && l.Attributes.ContainsKey("SessionId") && l.Attributes.ContainsKey("Zxid"), Timeout);
        Assert.Matches("^0x[0-9a-f]+$", established.Attributes["SessionId"]);
        Assert.Matches("^0x[0-9a-f]+$", established.Attributes["Zxid"]);
    }
}
