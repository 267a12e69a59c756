using CoordAspire.Client.Hosting;

namespace CoordAspire.Client.Tests;

public sealed class CoordConnectionStringTests
{
    [Theory]
    [InlineData("zk1:2181,zk2:2181/app", "zk1:2181,zk2:2181/app")]
    [InlineData("tcp://localhost:51234", "localhost:51234")]
    [InlineData("tcp://localhost:51234/", "localhost:51234")]
    [InlineData("tcp://a:1/, tcp://b:2/app", "a:1,b:2/app")]
    [InlineData("tcp://[::1]:2181", "[::1]:2181")]
    [InlineData("localhost", "localhost")]
    public void Connect_strings_and_endpoint_uris_become_connect_strings(string input, string expected) =>
        Assert.Equal(expected, CoordConnectionString.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("tcp://a:notaport")]
    [InlineData("a:1/bad//chroot")]
    public void A_bad_connection_string_is_refused(string input) =>
        Assert.ThrowsAny<ArgumentException>(() => CoordConnectionString.Normalize(input));
}
