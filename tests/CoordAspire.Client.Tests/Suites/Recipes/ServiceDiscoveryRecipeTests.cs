using System.Text.Json;
using CoordAspire.Client.Recipes;

namespace CoordAspire.Client.Tests;

/// <summary>Service registration as ephemeral instance znodes with JSON data, queried and watched.</summary>
public abstract class ServiceDiscoveryRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    public sealed record Endpoint(string Zone, int Weight);

    [Fact]
    public async Task Registered_instances_are_found_with_their_payload()
    {
        var apiClient = await ConnectAsync();
        await using var registry = new ServiceDiscovery<Endpoint>(apiClient, P("services"));
        var one = new ServiceInstance<Endpoint> { Name = "api", Id = "one", Address = "10.0.0.1", Port = 8080, Payload = new Endpoint("eu", 3) };
        var two = new ServiceInstance<Endpoint> { Name = "api", Id = "two", Address = "10.0.0.2", Port = 8080, Payload = new Endpoint("us", 1) };
        await registry.RegisterAsync(one);
        await registry.RegisterAsync(two);
        await registry.RegisterAsync(new ServiceInstance<Endpoint> { Name = "worker", Id = "w" });

        var discovery = new ServiceDiscovery<Endpoint>(Client, P("services"));
        Assert.Equal(["api", "worker"], await discovery.QueryForNamesAsync());
        var instances = await discovery.QueryForInstancesAsync("api");
        Assert.Equal(["one", "two"], instances.Select(i => i.Id));
        Assert.Equal(new Endpoint("eu", 3), instances[0].Payload);
        Assert.Equal("10.0.0.2", instances[1].Address);
        Assert.Equal(one.RegistrationTime.ToUnixTimeMilliseconds(), instances[0].RegistrationTime.ToUnixTimeMilliseconds());

        // Ephemeral: owned by the registering session.
        Assert.Equal(apiClient.SessionId, (await Client.ExistsAsync(P("services/api/one")))!.Value.EphemeralOwner);
        Assert.Empty(await discovery.QueryForInstancesAsync("nothing"));
    }

    [Fact]
    public async Task The_stored_json_is_what_curator_writes()
    {
        await using var registry = new ServiceDiscovery<Endpoint>(Client, P("services"));
        await registry.RegisterAsync(new ServiceInstance<Endpoint> { Name = "api", Id = "x", Address = "h", Port = 1, Payload = new Endpoint("eu", 3) });

        var (data, _) = await Client.GetDataAsync(P("services/api/x"));
        using var json = JsonDocument.Parse(data);
        var root = json.RootElement;
        Assert.Equal("api", root.GetProperty("name").GetString());
        Assert.Equal("x", root.GetProperty("id").GetString());
        Assert.Equal(1, root.GetProperty("port").GetInt32());
        Assert.Equal("DYNAMIC", root.GetProperty("serviceType").GetString());
        Assert.True(root.GetProperty("registrationTimeUTC").GetInt64() > 0);
        Assert.Equal("eu", root.GetProperty("payload").GetProperty("Zone").GetString());
    }

    [Fact]
    public async Task A_watcher_sees_instances_come_and_go()
    {
        var discovery = new ServiceDiscovery<Endpoint>(Client, P("services"));
        var firstClient = await ConnectAsync();
        await using var first = new ServiceDiscovery<Endpoint>(firstClient, P("services"));
        await first.RegisterAsync(new ServiceInstance<Endpoint> { Name = "api", Id = "a" });

        await using var watcher = await discovery.WatchAsync("api");
        Assert.Equal(["a"], watcher.Instances.Select(i => i.Id));

        await using var second = new ServiceDiscovery<Endpoint>(await ConnectAsync(), P("services"));
        var b = new ServiceInstance<Endpoint> { Name = "api", Id = "b", Payload = new Endpoint("eu", 1) };
        await second.RegisterAsync(b);
        await EventuallyAsync(() => watcher.Instances.Select(i => i.Id).SequenceEqual(["a", "b"]), "b appears");

        await second.UpdateAsync(b with { Payload = new Endpoint("eu", 9) });
        await EventuallyAsync(() => watcher.Instances.Any(i => i.Id == "b" && i.Payload?.Weight == 9), "b's update is seen");

        // The first instance's process dies: its session closes, its registration goes with it.
        await firstClient.CloseAsync();
        await EventuallyAsync(() => watcher.Instances.Select(i => i.Id).SequenceEqual(["b"]), "a disappears");

        await second.UnregisterAsync(b);
        await EventuallyAsync(() => watcher.Instances.Count == 0, "b disappears");
    }

    [Fact]
    public async Task An_id_registered_by_another_session_is_refused()
    {
        await using var first = new ServiceDiscovery<Endpoint>(await ConnectAsync(), P("services"));
        await first.RegisterAsync(new ServiceInstance<Endpoint> { Name = "api", Id = "same" });
        await using var second = new ServiceDiscovery<Endpoint>(Client, P("services"));
        await Assert.ThrowsAsync<NodeExistsException>(() => second.RegisterAsync(new ServiceInstance<Endpoint> { Name = "api", Id = "same" }));
    }
}
