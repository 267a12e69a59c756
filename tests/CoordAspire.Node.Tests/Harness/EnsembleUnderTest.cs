using System.Diagnostics;
using System.Globalization;

namespace CoordAspire.Node.Tests.Harness;

/// <summary>
/// An ensemble as real processes on loopback — our Nodes, or Apache ZooKeeper's QuorumPeerMain from the very same
/// files — configured as a ZooKeeper install guide says: one zoo.cfg per member with the same
/// <c>server.N=127.0.0.1:quorumPort:electionPort;clientPort</c> lines and its own dataDir holding <c>myid</c>.
/// Members can be killed with SIGKILL and restarted on their directory and ports.
/// </summary>
public sealed class EnsembleUnderTest : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Member[] _members;
    private readonly Func<long, bool> _isApache;
    private readonly Dictionary<long, bool> _replaced = [];
    private readonly bool _ownNetworkGroups;
    private readonly IReadOnlyList<string> _jvmFlags;

    private EnsembleUnderTest(string directory, Member[] members, Func<long, bool> isApache, bool ownNetworkGroups, IReadOnlyList<string> jvmFlags)
    {
        _jvmFlags = jvmFlags;
        _directory = directory;
        _members = members;
        _isApache = isApache;
        _ownNetworkGroups = ownNetworkGroups;
    }

    /// <summary>"CoordAspire", "Apache ZooKeeper", or "mixed" (some of each).</summary>
    public string Name => _members.All(m => RunsApache(m.Id)) ? "Apache ZooKeeper" : _members.Any(m => RunsApache(m.Id)) ? "mixed" : "CoordAspire";

    /// <summary>Whether <paramref name="member"/> runs Apache ZooKeeper's QuorumPeerMain rather than our Node.</summary>
    public bool IsApache(Member member) => RunsApache(member.Id);

    /// <summary>From its next start on, <paramref name="member"/> runs Apache ZooKeeper (or our Node) on the same
    /// zoo.cfg and dataDir: one step of a rolling migration.</summary>
    public void Replace(Member member, bool apache) => _replaced[member.Id] = apache;

    /// <summary>SIGTERM, as <c>zkServer.sh stop</c> or a container stop sends it, and the wait for the process to end
    /// (SIGKILL after 20 s).</summary>
    public static async Task StopAsync(Member member)
    {
        if (member.Process is { } process)
        {
            await SignalAsync(member, "TERM");
            var deadline = Stopwatch.StartNew();
            while (process.IsRunning && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }

            await process.DisposeAsync();
            member.Process = null;
        }
    }

    /// <summary>Sends <c>SIG</c><paramref name="signal"/> (TERM, STOP, CONT, ...) to the member's process; false when
    /// there is none or kill failed (it had already exited).</summary>
    public static async Task<bool> SignalAsync(Member member, string signal)
    {
        if (member.Process is not { } process)
        {
            return false;
        }

        var result = await ProcessRunner.RunAsync("kill", [$"-{signal}", process.ProcessId.ToString(CultureInfo.InvariantCulture)], stdin: null, TimeSpan.FromSeconds(10));
        return result.ExitCode == 0;
    }

    private bool RunsApache(long id) => _replaced.TryGetValue(id, out bool apache) ? apache : _isApache(id);

    public IReadOnlyList<Member> Members => _members;

    /// <summary>Every member's client address, as a ZooKeeper connect string.</summary>
    public string ConnectString => string.Join(',', _members.Select(m => $"127.0.0.1:{m.ClientPort}"));

    public Member this[long id] => _members.Single(m => m.Id == id);

    /// <summary>One member of the ensemble: its id, ports and directory, and its process while it runs.</summary>
    public sealed class Member(long id, int clientPort, int quorumPort, int electionPort, string directory, bool observer)
    {
        public long Id { get; } = id;

        public int ClientPort { get; } = clientPort;

        public int QuorumPort { get; } = quorumPort;

        public int ElectionPort { get; } = electionPort;

        public string Directory { get; } = directory;

        public bool IsObserver { get; } = observer;

        /// <summary>The group id its process runs with when the ensemble was started with own network groups: what
        /// an iptables <c>owner --gid-owner</c> rule matches to cut this member's connections and no one else's.</summary>
        public int NetworkGroupId => 60_000 + ElectionPort;

        public string ConfigPath => Path.Combine(Directory, "zoo.cfg");

        public string ConnectString => $"127.0.0.1:{ClientPort}";

        public ServerUnderTest? Process { get; internal set; }

        public bool IsRunning => Process is { IsRunning: true };

        /// <summary>The <c>Mode:</c> of its <c>srvr</c>, or null when it is down or not serving.</summary>
        public async Task<string?> ModeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                string srvr = await ServerUnderTest.SendFourLetterWordAsync("127.0.0.1", ClientPort, "srvr", timeout.Token);
                var line = srvr.Split('\n').FirstOrDefault(l => l.StartsWith("Mode: ", StringComparison.Ordinal));
                return line?["Mode: ".Length..].Trim();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
            {
                return null;
            }
        }

        public override string ToString() => $"server.{Id} (client port {ClientPort})";
    }

    /// <summary>Starts <paramref name="voters"/> participants and <paramref name="observers"/> observers and waits
    /// until every one of them serves, with one leader. <paramref name="apacheMembers"/> picks the ids that run
    /// Apache ZooKeeper in a mixed ensemble (otherwise <paramref name="apache"/> says for all).
    /// <paramref name="ownNetworkGroups"/> runs each member under its own group id (<see cref="Member.NetworkGroupId"/>,
    /// with <c>setpriv</c>), so that a partition can be made between members with iptables.
    /// <paramref name="extraConfig"/> are more zoo.cfg lines for every member, <paramref name="memberConfig"/> for
    /// one member; <paramref name="jvmFlags"/> are <c>-D</c> options: on Apache's java command line, and in our Node's
    /// <c>SERVER_JVMFLAGS</c>, where an operator moving from zkServer.sh would have them.</summary>
    public static async Task<EnsembleUnderTest> StartAsync(
        int voters, int observers = 0, TimeSpan? timeout = null, bool apache = false, Func<long, bool>? apacheMembers = null,
        bool ownNetworkGroups = false, IReadOnlyList<string>? extraConfig = null, Func<Member, IEnumerable<string>>? memberConfig = null,
        IReadOnlyList<string>? jvmFlags = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("coordaspire-ensemble-").FullName;
        var members = new Member[voters + observers];
        for (int i = 0; i < members.Length; i++)
        {
            members[i] = new Member(i + 1, FreePort.Next(), FreePort.Next(), FreePort.Next(), Path.Combine(directory, $"server{i + 1}"), i >= voters);
        }

        var ensemble = new EnsembleUnderTest(directory, members, apacheMembers ?? (_ => apache), ownNetworkGroups, jvmFlags ?? []);
        try
        {
            foreach (var member in members)
            {
                WriteConfig(member, members, [.. extraConfig ?? [], .. memberConfig?.Invoke(member) ?? []]);
                await ensemble.LaunchAsync(member);
            }

            await ensemble.WaitUntilAllServeAsync(timeout ?? TimeSpan.FromSeconds(60));
            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member that says it leads, once exactly one serving member does.</summary>
    public async Task<Member> WaitForLeaderAsync(TimeSpan? timeout = null, long? not = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var leaders = new List<Member>();
            foreach (var member in _members.Where(m => m.IsRunning && m.Id != not))
            {
                if (await member.ModeAsync() == "leader")
                {
                    leaders.Add(member);
                }
            }

            if (leaders.Count == 1)
            {
                return leaders[0];
            }

            if (deadline.Elapsed > limit || !_members.Any(m => m.IsRunning))
            {
                throw new TimeoutException($"no single leader after {limit} (saw {leaders.Count}):\n{await DescribeAsync()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills whoever leads until <paramref name="member"/> does (restarting each one killed), for a test that
    /// needs a given member to lead. With equal histories the largest id wins, so give the wanted leader the largest.</summary>
    public async Task MakeLeaderAsync(Member member)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var leader = await WaitForLeaderAsync(TimeSpan.FromSeconds(60));
            if (leader.Id == member.Id)
            {
                return;
            }

            await KillAsync(leader);
            await WaitForLeaderAsync(TimeSpan.FromSeconds(60), not: leader.Id);
            await RestartAsync(leader);
            await WaitUntilAllServeAsync(TimeSpan.FromSeconds(60));
        }

        throw new InvalidOperationException($"server.{member.Id} never led:\n{await DescribeAsync()}");
    }

    /// <summary>Waits until every running member serves (leader, follower or observer).</summary>
    public async Task WaitUntilAllServeAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            bool all = true;
            foreach (var member in _members.Where(m => m.IsRunning))
            {
                all &= await member.ModeAsync() is "leader" or "follower" or "observer";
            }

            if (all)
            {
                return;
            }

            if (deadline.Elapsed > timeout || _members.Any(m => m.Process is { IsRunning: false }))
            {
                throw new TimeoutException($"the ensemble did not serve within {timeout}:\n{await DescribeAsync()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL, as a crash or a power cut would stop it.</summary>
    public static async Task KillAsync(Member member)
    {
        if (member.Process is { } process)
        {
            await process.KillAsync();
            await process.DisposeAsync();
            member.Process = null;
        }
    }

    /// <summary>Starts a stopped member again on its directory and ports (it does not wait for it to serve).</summary>
    public Task RestartAsync(Member member) => LaunchAsync(member);

    /// <summary>Modes and the last lines of each member's output, for a failure message.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var member in _members)
        {
            text.Append(member).Append(": ").Append(member.IsRunning ? await member.ModeAsync() ?? "not serving" : "down").Append('\n');
            if (member.Process is { } process)
            {
                foreach (var line in process.RecentOutput.TakeLast(15))
                {
                    text.Append("    ").Append(line).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            if (member.Process is { } process)
            {
                await process.DisposeAsync();
                member.Process = null;
            }
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void WriteConfig(Member member, IEnumerable<Member> all, IEnumerable<string> extraLines)
    {
        string data = Path.Combine(member.Directory, "data");
        System.IO.Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "myid"), member.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        var lines = new List<string>
        {
            "tickTime=1000",
            "initLimit=10",
            "syncLimit=5",
            $"dataDir={data}",
            $"clientPort={member.ClientPort}",
            "clientPortAddress=127.0.0.1",
            "4lw.commands.whitelist=*",
            "admin.enableServer=false",
            "extendedTypesEnabled=true",
            "znode.container.checkIntervalMs=1000",
        };
        if (member.IsObserver)
        {
            lines.Add("peerType=observer");
        }

        lines.AddRange(extraLines);

        foreach (var m in all)
        {
            string type = m.IsObserver ? ":observer" : "";
            lines.Add($"server.{m.Id}=127.0.0.1:{m.QuorumPort}:{m.ElectionPort}{type};127.0.0.1:{m.ClientPort}");
        }

        File.WriteAllLines(member.ConfigPath, lines);
    }

    private async Task LaunchAsync(Member member)
    {
        ProcessStartInfo psi;
        if (RunsApache(member.Id))
        {
            // zkServer.sh start, in effect: QuorumPeerMain on the same zoo.cfg.
            var zk = ZooKeeperAvailability.Require();
            psi = new ProcessStartInfo(zk.JavaPath);
            foreach (var argument in (string[])["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", $"-Dzookeeper.log.dir={member.Directory}",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dzookeeper.extendedTypesEnabled=true", "-Dznode.container.checkIntervalMs=1000", .. _jvmFlags, "-cp", zk.ClassPath(), "org.apache.zookeeper.server.quorum.QuorumPeerMain", member.ConfigPath])
            {
                psi.ArgumentList.Add(argument);
            }
        }
        else
        {
            psi = new ProcessStartInfo("dotnet");
            psi.ArgumentList.Add(CoordAspireNodeServer.ProgramPath);
            psi.ArgumentList.Add(member.ConfigPath);
            psi.Environment["DOTNET_gcServer"] = "0";
            if (_jvmFlags.Count > 0)
            {
                psi.Environment["SERVER_JVMFLAGS"] = string.Join(' ', _jvmFlags);
            }
        }

        if (_ownNetworkGroups)
        {
            // setpriv execs the server in place: the pid that SIGKILL and SIGSTOP go to is the server's own.
            var wrapped = new ProcessStartInfo("setpriv");
            foreach (var argument in (string[])["--regid", member.NetworkGroupId.ToString(CultureInfo.InvariantCulture), "--clear-groups", "--", psi.FileName, .. psi.ArgumentList])
            {
                wrapped.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in psi.Environment)
            {
                wrapped.Environment[key] = value;
            }

            psi = wrapped;
        }

        member.Process = await ServerUnderTest.StartAsync(
            $"{(IsApache(member) ? "Apache ZooKeeper" : "CoordAspire")} server.{member.Id}", psi, member.ClientPort, member.Directory, TimeSpan.FromSeconds(30), CancellationToken.None,
            keepDirectory: true, waitUntilServing: false);
    }
}
