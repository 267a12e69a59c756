namespace CoordAspire.Node.Tests.Harness;

/// <summary>Where the Java runtime and Debian's Apache ZooKeeper 3.8 jars live on this machine.</summary>
public sealed record ZooKeeperInstallation(
    string JavaPath,
    string JavacPath,
    string JarDirectory,
    string ZooKeeperJar,
    string JuteJar,
    string? Slf4jSimpleJar,
    string? ZkCliPath)
{
    /// <summary>
    /// The jars a client or server needs. Debian's zookeeper.jar names its dependencies (netty, slf4j-api,
    /// commons-*, ...) in its manifest Class-Path, so these few are enough; slf4j-simple makes logs go to stderr.
    /// </summary>
    public IReadOnlyList<string> ClassPathJars =>
        Slf4jSimpleJar is null ? [ZooKeeperJar, JuteJar] : [ZooKeeperJar, JuteJar, Slf4jSimpleJar];

    public string ClassPath(params string[] before) => string.Join(Path.PathSeparator, before.Concat(ClassPathJars));
}

/// <summary>
/// Finds Java and Apache ZooKeeper's jars. Tests that need them call <see cref="Require"/>, which FAILS the test
/// with a clear message when something is missing (the CI script installs Debian's zookeeper package, so absence
/// is a broken environment, not a reason to pass quietly). Set COORD_SKIP_JAVA=1 to skip those tests explicitly
/// (see <see cref="JavaFactAttribute"/>).
/// </summary>
public static class ZooKeeperAvailability
{
    public const string SkipVariable = "COORD_SKIP_JAVA";

    /// <summary>Overrides the directory holding zookeeper.jar and zookeeper-jute.jar (default /usr/share/java).</summary>
    public const string JarDirectoryVariable = "COORD_ZK_JARS";

    /// <summary>Overrides the zkCli.sh location (default /usr/share/zookeeper/bin/zkCli.sh).</summary>
    public const string ZkCliVariable = "COORD_ZKCLI";

    private static readonly Lazy<(ZooKeeperInstallation? Installation, string? Problem)> Probe = new(Find);

    public static bool SkipRequested => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static ZooKeeperInstallation? Installation => Probe.Value.Installation;

    /// <summary>Why <see cref="Installation"/> is null; null when everything was found.</summary>
    public static string? Problem => Probe.Value.Problem;

    public static ZooKeeperInstallation Require() =>
        Installation ?? throw new InvalidOperationException(
            $"Apache ZooKeeper test dependencies are missing: {Problem}. " +
            "Install them with `apt-get install -y zookeeper openjdk-17-jdk-headless` (Debian's zookeeper package " +
            $"provides /usr/share/java/zookeeper.jar and zkCli.sh), or set {SkipVariable}=1 to skip these tests.");

    private static (ZooKeeperInstallation?, string?) Find()
    {
        var problems = new List<string>();
        var java = FindExecutable("java");
        var javac = FindExecutable("javac");
        if (java is null)
        {
            problems.Add("no `java` on PATH or in JAVA_HOME/bin");
        }
        if (javac is null)
        {
            problems.Add("no `javac` (a JDK, not only a JRE) on PATH or in JAVA_HOME/bin");
        }

        var jarDir = Environment.GetEnvironmentVariable(JarDirectoryVariable) is { Length: > 0 } d ? d : "/usr/share/java";
        var zkJar = Path.Combine(jarDir, "zookeeper.jar");
        var juteJar = Path.Combine(jarDir, "zookeeper-jute.jar");
        if (!File.Exists(zkJar))
        {
            problems.Add($"{zkJar} not found");
        }
        if (!File.Exists(juteJar))
        {
            problems.Add($"{juteJar} not found");
        }
        var slf4j = Path.Combine(jarDir, "slf4j-simple.jar");
        var zkCli = Environment.GetEnvironmentVariable(ZkCliVariable) is { Length: > 0 } c ? c : "/usr/share/zookeeper/bin/zkCli.sh";

        if (problems.Count > 0)
        {
            return (null, string.Join("; ", problems));
        }
        return (new ZooKeeperInstallation(java!, javac!, jarDir, zkJar, juteJar,
            File.Exists(slf4j) ? slf4j : null, File.Exists(zkCli) ? zkCli : null), null);
    }

    private static string? FindExecutable(string name)
    {
        if (Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home)
        {
            var candidate = Path.Combine(home, "bin", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>A fact that needs Java and Apache ZooKeeper: skipped only when COORD_SKIP_JAVA=1, otherwise it runs
/// (and fails with a clear message if the dependencies are missing).</summary>
public sealed class JavaFactAttribute : FactAttribute
{
    public JavaFactAttribute()
    {
        if (ZooKeeperAvailability.SkipRequested)
        {
            Skip = $"{ZooKeeperAvailability.SkipVariable}=1";
        }
    }
}

/// <summary>The theory counterpart of <see cref="JavaFactAttribute"/>.</summary>
public sealed class JavaTheoryAttribute : TheoryAttribute
{
    public JavaTheoryAttribute()
    {
        if (ZooKeeperAvailability.SkipRequested)
        {
            Skip = $"{ZooKeeperAvailability.SkipVariable}=1";
        }
    }
}
