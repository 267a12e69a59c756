using CoordAspire.LoadTool;

namespace CoordAspire.LoadTool.Tests;

public class WorkloadPlanTests
{
    private static Worker NewWorker(int connection = 0, int slot = 0) => new(null!, connection, slot);

    [Fact]
    public void Mixed_reads_the_share_asked_for()
    {
        var plan = new WorkloadPlan(new LoadOptions { Workload = Workload.Mixed, ReadPercent = 80 });
        var worker = NewWorker();
        int reads = Enumerable.Range(0, 10_000).Count(_ => plan.Next(worker) == OpKind.Get);
        Assert.InRange(reads, 7_800, 8_200);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Mixed_at_the_extremes_is_all_writes_or_all_reads(int percent)
    {
        var plan = new WorkloadPlan(new LoadOptions { Workload = Workload.Watch, ReadPercent = percent });
        var worker = NewWorker();
        var kinds = Enumerable.Range(0, 1000).Select(_ => plan.Next(worker)).Distinct().ToArray();
        Assert.Equal([percent == 100 ? OpKind.Get : OpKind.Set], kinds);
    }

    [Fact]
    public void Ephemeral_churn_deletes_what_it_created()
    {
        var plan = new WorkloadPlan(new LoadOptions { Workload = Workload.Ephemeral });
        var worker = NewWorker();
        Assert.Equal(OpKind.Create, plan.Next(worker));
        worker.EphemeralExists = true;
        Assert.Equal(OpKind.Delete, plan.Next(worker));
        Assert.Empty(plan.Keys);
    }

    [Theory]
    [InlineData(nameof(Workload.Create), nameof(OpKind.Create))]
    [InlineData(nameof(Workload.Set), nameof(OpKind.Set))]
    [InlineData(nameof(Workload.SyncSet), nameof(OpKind.Set))]
    [InlineData(nameof(Workload.Failover), nameof(OpKind.Set))]
    [InlineData(nameof(Workload.Get), nameof(OpKind.Get))]
    [InlineData(nameof(Workload.Sessions), nameof(OpKind.Get))]
    [InlineData(nameof(Workload.FreshGet), nameof(OpKind.FreshGet))]
    public void Single_kind_workloads_send_one_kind(string workload, string kind) =>
        Assert.Equal(Enum.Parse<OpKind>(kind), new WorkloadPlan(new LoadOptions { Workload = Enum.Parse<Workload>(workload) }).Next(NewWorker()));

    [Fact]
    public void Keys_live_under_the_root_and_every_key_gets_used()
    {
        var plan = new WorkloadPlan(new LoadOptions { Workload = Workload.Get, Keys = 10, Root = "/bench" });
        Assert.Equal("/bench/keys/k000000", plan.Keys[0]);
        Assert.Equal(10, plan.Keys.Distinct().Count());
        var worker = NewWorker();
        Assert.Equal(10, Enumerable.Range(0, 1000).Select(_ => plan.NextKey(worker)).Distinct().Count());
        Assert.Equal(["/bench", "/bench/keys", "/bench/create", "/bench/ephemeral"], plan.Folders);
    }

    [Fact]
    public void Workers_name_their_znodes_apart()
    {
        var a = NewWorker(1, 2);
        var b = NewWorker(12, 0);
        Assert.NotEqual(a.CreatePath("/r", 0), b.CreatePath("/r", 0));
        Assert.Equal("/r/create/c1-2-7", a.CreatePath("/r", 7));
        Assert.Equal("/r/ephemeral/e12-0", b.EphemeralPath("/r"));
    }

    [Fact]
    public void The_same_worker_sends_the_same_keys_in_every_run()
    {
        var plan = new WorkloadPlan(new LoadOptions { Workload = Workload.Set });
        var w1 = NewWorker(3, 4);
        var w2 = NewWorker(3, 4);
        Assert.Equal(Enumerable.Range(0, 20).Select(_ => plan.NextKey(w1)).ToArray(), Enumerable.Range(0, 20).Select(_ => plan.NextKey(w2)).ToArray());
    }
}
