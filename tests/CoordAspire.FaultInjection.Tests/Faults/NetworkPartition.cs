using System.Globalization;
using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.FaultInjection.Tests.Faults;

/// <summary>
/// Cuts one member off from the others on loopback with iptables, touching nothing but this ensemble's processes:
/// every member runs under its own group id (<see cref="EnsembleUnderTest.Member.NetworkGroupId"/>), and the rules
/// live in a chain of our own jumped to from OUTPUT (loopback traffic passes OUTPUT once).
/// <list type="bullet">
/// <item>Connections to the member's quorum and election ports are dropped both ways (by port).</item>
/// <item>Connections the member opened to the others' are marked when it sends on them (owner match on its group;
/// conntrack carries the mark to the replies) and dropped both ways.</item>
/// </list>
/// Client ports stay open: clients on the member's side still reach it, as in a real partition where the server's
/// rack loses its uplink but keeps its own clients.
/// </summary>
public sealed class NetworkPartition : IAsyncDisposable
{
    private readonly string _chain;
    private bool _disposed;

    private NetworkPartition(string chain) => _chain = chain;

    /// <summary>A partitioner, or null with the reason when iptables cannot be used here (no binary, no
    /// CAP_NET_ADMIN, no owner or connmark match).</summary>
    public static async Task<(NetworkPartition? Partition, string? Unavailable)> TryCreateAsync()
    {
        string chain = $"COORD-FAULT-{Environment.ProcessId:x}-{Random.Shared.Next(0x1000):x}";
        ProcessResult created;
        try
        {
            created = await IptablesAsync("-N", chain);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"no iptables: {e.Message}");
        }

        if (created.ExitCode != 0)
        {
            return (null, $"iptables -N failed: {created.Stderr.Trim()}{created.Stdout.Trim()}");
        }

        var partition = new NetworkPartition(chain);
        var jump = await IptablesAsync("-I", "OUTPUT", "-j", chain);
        var probe = await IptablesAsync("-A", chain, "-m", "owner", "--gid-owner", "65533", "-j", "CONNMARK", "--set-mark", "65533");
        if (jump.ExitCode != 0 || probe.ExitCode != 0)
        {
            await partition.DisposeAsync();
            return (null, $"iptables cannot match owners or mark connections here: {jump.Stderr.Trim()} {probe.Stderr.Trim()}");
        }

        await IptablesAsync("-F", chain);
        return (partition, null);
    }

    /// <summary>Cuts <paramref name="member"/> off from <paramref name="others"/>.</summary>
    public async Task IsolateAsync(EnsembleUnderTest.Member member, IEnumerable<EnsembleUnderTest.Member> others)
    {
        string gid = member.NetworkGroupId.ToString(CultureInfo.InvariantCulture);
        string ownPorts = $"{member.QuorumPort},{member.ElectionPort}";
        string otherPorts = string.Join(',', others.Where(o => o.Id != member.Id).SelectMany(o => (int[])[o.QuorumPort, o.ElectionPort]));
        await RequireAsync("-A", _chain, "-m", "owner", "--gid-owner", gid, "-j", "CONNMARK", "--set-mark", gid);
        await RequireAsync("-A", _chain, "-p", "tcp", "-m", "connmark", "--mark", gid, "-m", "multiport", "--ports", otherPorts, "-j", "DROP");
        await RequireAsync("-A", _chain, "-p", "tcp", "-m", "multiport", "--ports", ownPorts, "-j", "DROP");
    }

    /// <summary>Removes every cut.</summary>
    public Task HealAsync() => RequireAsync("-F", _chain);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await IptablesAsync("-D", "OUTPUT", "-j", _chain);
        await IptablesAsync("-F", _chain);
        await IptablesAsync("-X", _chain);
    }

    private static async Task RequireAsync(params string[] arguments)
    {
        var result = await IptablesAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"iptables {string.Join(' ', arguments)} failed: {result.Stderr.Trim()}");
        }
    }

    private static Task<ProcessResult> IptablesAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("iptables", ["-w", .. arguments], stdin: null, TimeSpan.FromSeconds(20));
}
