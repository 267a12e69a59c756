using System.Net;
using System.Net.Sockets;
using System.Text;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Node.Tests.Network;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Tests.Metrics;

/// <summary>
/// A real Node configured as an operator configures ZooKeeper's Prometheus endpoint, scraped over HTTP: ZooKeeper's
/// names and types, and the same values as <c>mntr</c> from the same server.
/// </summary>
public class PrometheusEndpointTests
{
    private const string Prometheus = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

    /// <summary>
    /// What a standalone Apache ZooKeeper 3.8 exports that we export too, with its Prometheus type: the gauges of
    /// <c>ZooKeeperServer.registerMetrics</c>, the counters and summaries of <c>ServerMetrics</c> (see the README for
    /// the ones we do not have).
    /// </summary>
    private static readonly (string Name, string Type)[] StandaloneFamilies =
    [
        .. new[]
        {
            "approximate_data_size", "avg_latency", "connection_drop_probability", "ephemerals_count", "global_sessions",
            "local_sessions", "max_file_descriptor_count", "max_latency", "min_latency", "num_alive_connections",
            "open_file_descriptor_count", "outstanding_requests", "packets_received", "packets_sent", "uptime",
            "watch_count", "znode_count",
        }.Select(n => (n, "gauge")),
        .. new[] { "bytes_received_count", "connection_drop_count", "connection_rejected", "looking_count", "proposal_count" }.Select(n => (n, "counter")),
        .. new[] { "election_time", "fsynctime", "quorum_ack_latency", "readlatency", "snapshottime", "sync_processor_batch_size", "updatelatency" }.Select(n => (n, "summary")),
    ];

    [Fact]
    public async Task A_standalone_server_exports_ZooKeepers_names_with_mntrs_values()
    {
        int metricsPort = FreePort.Next();
        await using var server = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions
        {
            ExtraConfig = new Dictionary<string, string>
            {
                ["metricsProvider.className"] = Prometheus,
                ["metricsProvider.httpHost"] = "127.0.0.1",
                ["metricsProvider.httpPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["admin.enableServer"] = "false", // the endpoint is a listener of its own
            },
        });

        var before = await PrometheusScrape.GetAsync(metricsPort);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", before.ContentType?.ToString());
        Assert.Equal(StandaloneFamilies.OrderBy(f => f.Name, StringComparer.Ordinal), before.ZooKeeperFamilies);

        await using (var client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port)))
        {
            await client.HandshakeAsync();
            await client.CreateAsync("/metrics-a", "hello");
            await client.CreateAsync("/metrics-a/b");
            await client.CreateAsync("/metrics-e", ephemeral: true);
            _ = await client.RequestAsync(OpCode.GetData, (in JuteWriter w) =>
            {
                w.WriteString("/metrics-a");
                w.WriteBool(true); // a watch
            });

            var mntr = PrometheusScrape.ParseMntr(await server.FourLetterWordAsync("mntr"));
            var after = await PrometheusScrape.GetAsync(metricsPort);

            Assert.Equal(before["znode_count"] + 3, after["znode_count"]);
            Assert.Equal(1, after["ephemerals_count"]);
            Assert.Equal(1, after["watch_count"]);
            Assert.Equal(0, after["outstanding_requests"]); // every request answered
            Assert.Equal(before["approximate_data_size"] + "/metrics-a".Length + "hello".Length + "/metrics-a/b".Length + "/metrics-e".Length, after["approximate_data_size"]);

            // Every numeric mntr key is a family; the figures that did not move between the two reads are equal.
            Assert.All(mntr.Keys, key => Assert.True(after.Types.ContainsKey(key), $"mntr's zk_{key} is not exported"));
            foreach (var key in new[] { "znode_count", "ephemerals_count", "watch_count", "approximate_data_size", "global_sessions", "outstanding_requests", "local_sessions", "connection_rejected", "proposal_count", "max_file_descriptor_count", "connection_drop_probability" })
            {
                Assert.True(mntr[key] == after[key], $"{key}: mntr {mntr[key]}, /metrics {after[key]}");
            }

            // The summaries ServerMetrics feeds from the same requests: three creates are updates, the read and the
            // session's pings reads; the standalone server fsyncs its log for the writes.
            Assert.True(after["updatelatency_count"] >= before["updatelatency_count"] + 3);
            Assert.True(after["readlatency_count"] >= before["readlatency_count"] + 1);
            Assert.True(after["fsynctime_count"] >= before["fsynctime_count"] + 1);
            Assert.False(double.IsNaN(after["updatelatency{quantile=\"0.99\",}"]));
            Assert.True(after["bytes_received_count"] > before["bytes_received_count"]);
            Assert.True(after["packets_received"] >= before["packets_received"] + 4);
        }

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/"))).StatusCode);
    }

    [Fact]
    public async Task A_taken_metrics_port_is_a_warning_and_the_server_serves_its_clients()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var server = await CoordAspireNodeServer.StartAsync(new CoordAspireNodeOptions
        {
            ExtraConfig = new Dictionary<string, string>
            {
                ["metricsProvider.className"] = Prometheus,
                ["metricsProvider.httpHost"] = "127.0.0.1",
                ["metricsProvider.httpPort"] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["admin.enableServer"] = "false",
            },
        });

        Assert.Equal("imok", await server.FourLetterWordAsync("ruok"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!server.RecentOutput.Any(l => l.Contains("Cannot start /metrics server", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains(server.RecentOutput, l => l.Contains($"warn: CoordAspire.Node.Hosting.MetricsEndpoint[71] Cannot start /metrics server on 127.0.0.1:{taken}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ensembles_leader_and_followers_export_the_quorum_figures_ZooKeeper_registers_for_their_role()
    {
        var metricsPorts = new Dictionary<long, int>();
        await using var ensemble = await EnsembleUnderTest.StartAsync(3, memberConfig: member =>
        {
            int port = FreePort.Next();
            lock (metricsPorts)
            {
                metricsPorts[member.Id] = port;
            }

            return [$"metricsProvider.className={Prometheus}", "metricsProvider.httpHost=127.0.0.1", $"metricsProvider.httpPort={port}", "metricsProvider.exportJvmInfo=false"];
        });
        var leader = await ensemble.WaitForLeaderAsync();

        // The followers' figures reach the leader's view of its learners a moment after they serve.
        var leaderScrape = await PrometheusScrape.GetAsync(metricsPorts[leader.Id]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (leaderScrape.Samples.GetValueOrDefault("synced_followers") < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            leaderScrape = await PrometheusScrape.GetAsync(metricsPorts[leader.Id]);
        }

        var leaderMntr = PrometheusScrape.ParseMntr(await leader.Process!.FourLetterWordAsync("mntr"));
        Assert.Equal(3, leaderScrape["quorum_size"]);
        Assert.Equal(2, leaderScrape["synced_followers"]);
        Assert.Equal(2, leaderScrape["learners"]);
        Assert.Equal(0, leaderScrape["pending_syncs"]);
        foreach (var key in new[] { "quorum_size", "synced_followers", "learners", "synced_observers", "synced_non_voting_followers" })
        {
            Assert.Equal("gauge", leaderScrape.Types[key]);
            Assert.True(leaderMntr[key] == leaderScrape[key], $"{key}: mntr {leaderMntr[key]}, /metrics {leaderScrape[key]}");
        }

        Assert.True(leaderScrape["election_time_count"] >= 1);
        Assert.True(leaderScrape["looking_count"] >= 1);
        Assert.DoesNotContain(leaderScrape.Types.Keys, k => k.StartsWith("process_", StringComparison.Ordinal)); // exportJvmInfo=false

        foreach (var follower in ensemble.Members.Where(m => m.Id != leader.Id))
        {
            var scrape = await PrometheusScrape.GetAsync(metricsPorts[follower.Id]);
            Assert.Equal(3, scrape["quorum_size"]);
            Assert.Equal(0, scrape["synced_observers"]);
            Assert.False(scrape.Types.ContainsKey("learners"), "learners is the leader's (gaugeWithLeader)");
            Assert.False(scrape.Types.ContainsKey("synced_followers"), "synced_followers is the leader's");
        }
    }
}
