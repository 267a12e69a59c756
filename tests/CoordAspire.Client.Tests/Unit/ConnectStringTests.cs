namespace CoordAspire.Client.Tests;

/// <summary>Connect strings as Java's ConnectStringParser reads them.</summary>
public sealed class ConnectStringTests
{
    [Theory]
    [InlineData("zk1:2181", "zk1:2181", null)]
    [InlineData("zk1", "zk1:2181", null)]
    [InlineData("zk1:1,zk2:2, zk3:3", "zk1:1,zk2:2,zk3:3", null)]
    [InlineData("zk1:2181/app", "zk1:2181", "/app")]
    [InlineData("zk1:2181,zk2/app/sub", "zk1:2181,zk2:2181", "/app/sub")]
    [InlineData("zk1:2181/", "zk1:2181", null)]
    [InlineData("[::1]:2182,[fe80::1]", "[::1]:2182,[fe80::1]:2181", null)]
    [InlineData("127.0.0.1:2181", "127.0.0.1:2181", null)]
    public void Parses_servers_and_chroot(string text, string servers, string? chroot)
    {
        var parsed = ConnectString.Parse(text);
        Assert.Equal(servers, string.Join(',', parsed.Servers.Select(s => s.Host.Contains(':') ? $"[{s.Host}]:{s.Port}" : $"{s.Host}:{s.Port}")));
        Assert.Equal(chroot, parsed.ChrootPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("zk1:abc")]
    [InlineData("zk1:70000")]
    [InlineData("[::1")]
    [InlineData(":2181")]
    [InlineData("zk1:2181/app/")]
    [InlineData("zk1:2181/a//b")]
    public void Rejects_malformed_strings(string text) => Assert.ThrowsAny<ArgumentException>(() => ConnectString.Parse(text));
}
