using CoordAspire.Protocol;

namespace CoordAspire.Client.Tests;

/// <summary>Many requests in flight on one connection, answered in order.</summary>
public abstract class PipeliningTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task A_thousand_concurrent_creates_all_succeed()
    {
        var tasks = Enumerable.Range(0, 1000)
            .Select(i => Client.CreateAsync(P($"n{i:D4}"), Bytes(i.ToString())).AsTask())
            .ToList();
        var paths = await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => P($"n{i:D4}")), paths);
        Assert.Equal(1000, await Client.GetAllChildrenNumberAsync(Root));

        var reads = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Client.GetDataAsync(P($"n{i:D4}")).AsTask()));
        Assert.All(reads.Select((r, i) => (r, i)), x => Assert.Equal(x.i.ToString(), Text(x.r.Data)));
    }

    [Fact]
    public async Task Requests_are_applied_in_submission_order()
    {
        // Sequence numbers are handed out in the order the server applies creates: they must follow submission order.
        var tasks = Enumerable.Range(0, 300).Select(_ => Client.CreateAsync(P("s-"), mode: CreateMode.PersistentSequential).AsTask()).ToList();
        var paths = await Task.WhenAll(tasks);
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);

        // And a mix of writes and reads on one znode sees each write in turn.
        await Client.CreateAsync(P("v"), Bytes("0"));
        var mixed = new List<Task<int>>();
        for (int i = 1; i <= 100; i++)
        {
            mixed.Add(Client.SetDataAsync(P("v"), Bytes(i.ToString())).AsTask().ContinueWith(t => t.Result.Version, TaskScheduler.Default));
            mixed.Add(Client.GetDataAsync(P("v")).AsTask().ContinueWith(t => int.Parse(Text(t.Result.Data)), TaskScheduler.Default));
        }

        var values = await Task.WhenAll(mixed);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(i + 1, values[2 * i]);
            Assert.Equal(i + 1, values[(2 * i) + 1]);
        }
    }

    [Fact]
    public async Task Concurrent_callers_from_many_threads()
    {
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                string path = await Client.CreateAsync(P($"w{w}-{i}"), Bytes("x"));
                var (data, _) = await Client.GetDataAsync(path);
                Assert.Equal("x", Text(data));
                await Client.DeleteAsync(path);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(Timeout);
        Assert.Empty(await Client.GetChildrenAsync(Root));
    }
}
