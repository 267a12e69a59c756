namespace CoordAspire.Configuration.Tests;

/// <summary>Configuration text for the parser tests: parse it as conf/zoo.cfg with an in-memory file system.</summary>
internal static class ZooConfigText
{
    public const string CfgFile = "conf/zoo.cfg";
    public const string DataDir = "/var/lib/zk";
    public const string MyId = "/var/lib/zk/myid";

    /// <summary>Three participants on loopback, as /work/shared/zk-ensemble.sh writes them, without the myid.</summary>
    public const string Ensemble = """
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/var/lib/zk
        clientPort=2181
        server.1=127.0.0.1:2888:3888
        server.2=127.0.0.1:2889:3889
        server.3=127.0.0.1:2890:3890
        """;

    /// <summary>Parses <paramref name="text"/>; <paramref name="files"/> are the other files (myid, dynamic config) by path.</summary>
    public static ZooConfig Parse(string text, params (string Path, string Content)[] files)
    {
        var fileSystem = files.ToDictionary(f => f.Path, f => f.Content);
        return ZooConfigParser.ParseText(text, CfgFile, path => fileSystem.GetValueOrDefault(path));
    }

    public static ZooConfigException Refused(string text, params (string Path, string Content)[] files) =>
        Assert.Throws<ZooConfigException>(() => Parse(text, files));
}
