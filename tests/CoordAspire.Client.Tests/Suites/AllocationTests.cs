namespace CoordAspire.Client.Tests;

/// <summary>
/// What a steady stream of requests costs the garbage collector. Bound to collections that run alone
/// (<see cref="CollectionDefinitionAttribute.DisableParallelization"/>): <see cref="GC.GetTotalAllocatedBytes"/>
/// counts the whole process, and beside another collection it counted that collection's clients, server log lines
/// and xunit messages (an allocation-tick listener attributed the 75–400 bytes "per request" to strings, byte arrays,
/// Process and xunit types), and a telemetry test's process-wide ActivityListener even made this client build a span
/// per request.
/// </summary>
public abstract class AllocationTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Steady_state_requests_allocate_nothing_beyond_their_results()
    {
        string path = await Client.CreateAsync(P("n"), Bytes("x"));
        var data = Bytes("y");
        const int Count = 20_000;
        // Off xunit's synchronization context, which allocates for every continuation it runs.
        double perRequest = await Task.Run(async () =>
        {
            for (int i = 0; i < 2000; i++)
            {
                await Client.ExistsAsync(path);
                await Client.SetDataAsync(path, data);
            }

            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Count / 2; i++)
            {
                await Client.ExistsAsync(path);
                await Client.SetDataAsync(path, data);
            }

            return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Count;
        });

        // Stat is a struct: nothing is allocated per request (the slack is for whatever else the process does).
        Assert.True(perRequest < 32, $"{perRequest:F1} bytes allocated per request against {Server.Name}");
    }
}
