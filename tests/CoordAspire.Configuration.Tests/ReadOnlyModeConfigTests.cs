using static CoordAspire.Configuration.Tests.ZooConfigText;

namespace CoordAspire.Configuration.Tests;

/// <summary>
/// <c>readonlymode.enabled</c>: in Apache ZooKeeper a Java system property only (<c>QuorumPeer.run</c> reads
/// <c>Boolean.getBoolean("readonlymode.enabled")</c>; a zoo.cfg key becomes the unread
/// <c>zookeeper.readonlymode.enabled</c>). We take it from zoo.cfg and from the <c>-D</c> form in
/// <c>SERVER_JVMFLAGS</c>/<c>JVMFLAGS</c>, as zkServer.sh builds the command line from them.
/// </summary>
public class ReadOnlyModeConfigTests
{
    [Fact]
    public void Read_only_mode_is_off_by_default_and_isro_is_not_whitelisted()
    {
        var config = JvmFlags.Apply(Parse("dataDir=/var/lib/zk"), JvmFlags.SystemProperties([null, ""]));

        Assert.False(config.ReadOnlyModeEnabled);
        Assert.False(config.IsFourLetterWordEnabled("isro"));
    }

    [Theory]
    [InlineData("readonlymode.enabled=true")]
    [InlineData("readonlymode.enabled=TRUE")]
    [InlineData("zookeeper.readonlymode.enabled=true")]
    public void The_zoo_cfg_key_turns_read_only_mode_on_and_whitelists_isro(string line)
    {
        var config = Parse("dataDir=/var/lib/zk\n" + line);

        Assert.True(config.ReadOnlyModeEnabled);
        Assert.True(config.IsFourLetterWordEnabled("isro")); // FourLetterCommands.isEnabled adds it in read-only mode
        Assert.True(config.IsFourLetterWordEnabled("srvr"));
        Assert.False(config.IsFourLetterWordEnabled("stat"));
    }

    [Fact]
    public void A_malformed_zoo_cfg_value_is_refused_with_its_line()
    {
        var e = Refused("dataDir=/var/lib/zk\nreadonlymode.enabled=yes");

        Assert.Contains("conf/zoo.cfg:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("readonlymode.enabled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_D_form_in_SERVER_JVMFLAGS_turns_it_on()
    {
        var variables = new Dictionary<string, string> { ["SERVER_JVMFLAGS"] = "-Xmx512m -Dreadonlymode.enabled=true -Dzookeeper.foo=bar" };

        var config = JvmFlags.Apply(Parse("dataDir=/var/lib/zk"), JvmFlags.FromEnvironment(variables.GetValueOrDefault));

        Assert.True(config.ReadOnlyModeEnabled);
        Assert.True(config.IsFourLetterWordEnabled("isro"));
    }

    [Fact]
    public void JVMFLAGS_comes_after_SERVER_JVMFLAGS_and_the_command_line_wins_over_the_file()
    {
        // zkServer.sh: JVMFLAGS="$SERVER_JVMFLAGS $JVMFLAGS"; java keeps the last -D of a name.
        var variables = new Dictionary<string, string>
        {
            ["SERVER_JVMFLAGS"] = "-Dreadonlymode.enabled=true",
            ["JVMFLAGS"] = "'-Dreadonlymode.enabled=false'",
        };

        var config = JvmFlags.Apply(Parse("dataDir=/var/lib/zk\nreadonlymode.enabled=true"), JvmFlags.FromEnvironment(variables.GetValueOrDefault));

        Assert.False(config.ReadOnlyModeEnabled);
    }

    [Fact]
    public void Only_D_words_are_system_properties()
    {
        var properties = JvmFlags.SystemProperties(["-Xmx1g -XX:+UseG1GC -Da=1 -Db -D -Dc=x=y"]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "", ["c"] = "x=y" }, properties);
    }
}
