using static CoordAspire.Configuration.Tests.ZooConfigText;

namespace CoordAspire.Configuration.Tests;

/// <summary>
/// zoo.cfg is a Java properties file: these cases pin java.util.Properties.load's rules (each one was compared
/// with the JDK's reader) plus ZooKeeper's trimming of keys and values.
/// </summary>
public class ZooConfigPropertiesFormatTests
{
    [Theory]
    [InlineData("dataDir=/d", "/d")]
    [InlineData("dataDir = /d", "/d")]
    [InlineData("dataDir:/d", "/d")]
    [InlineData("dataDir : /d", "/d")]
    [InlineData("dataDir /d", "/d")] // whitespace alone separates
    [InlineData("dataDir\t/d", "/d")]
    [InlineData("   dataDir=/d   ", "/d")] // ZooKeeper trims the value
    [InlineData("dataDir=/d\t\f", "/d")]
    [InlineData("dataDir==/d", "=/d")] // only one separator is skipped
    [InlineData("dataDir=:/d", ":/d")]
    [InlineData("dataDir=/my\\ dir", "/my dir")]
    [InlineData("dataDir=C:\\\\zk", "C:\\zk")] // a Windows path needs doubled backslashes, as in Java
    [InlineData("dataDir=C:\\zk", "C:zk")] // ... because \z is just z
    [InlineData("dataDir=/d\\u00e9", "/dé")]
    [InlineData("dataDir=/data\\\n    /zk", "/data/zk")] // continuation drops the next line's indentation
    [InlineData("dataDir=/data\\\r\n\t/zk", "/data/zk")]
    [InlineData("dataDir=/data\\\r/zk", "/data/zk")]
    [InlineData("data\\\n  Dir=/d", "/d")] // continuation inside the key
    [InlineData("dataDir=/d\\", "/d")] // a backslash at the end of the file is dropped
    [InlineData("dataDir=/d\\\n", "/d")]
    [InlineData("dataDir=/d#not-a-comment", "/d#not-a-comment")]
    [InlineData("# dataDir=/wrong\ndataDir=/d", "/d")]
    [InlineData("! dataDir=/wrong\ndataDir=/d", "/d")]
    [InlineData("   # dataDir=/wrong\ndataDir=/d", "/d")]
    [InlineData("# a comment is not continued \\\ndataDir=/d", "/d")]
    [InlineData("dataDir=/wrong\ndataDir=/d", "/d")] // the last one wins
    [InlineData("\n\n\r\n\t\n dataDir=/d\n\n", "/d")]
    [InlineData("\\ dataDir=/d", "/d")] // an escaped leading blank is trimmed by ZooKeeper
    public void Properties_format(string text, string dataDir)
    {
        Assert.Equal(dataDir, Parse(text).DataDir);
    }

    [Fact]
    public void Continued_line_ends_at_an_empty_line()
    {
        var config = Parse("dataDir=/d\nfoo=a\\\n\nbar=b");

        Assert.Equal("a", config.Properties["foo"]);
        Assert.Equal("b", config.Properties["bar"]);
    }

    [Fact]
    public void Hash_inside_a_continued_line_is_not_a_comment()
    {
        Assert.Equal("x#y", Parse("dataDir=/d\nfoo=x\\\n#y").Properties["foo"]);
    }

    [Fact]
    public void Escaped_separators_belong_to_the_key()
    {
        var config = Parse("dataDir=/d\na\\=b=c\nd\\:e:f\ng\\ h i");

        Assert.Equal("c", config.Properties["a=b"]);
        Assert.Equal("f", config.Properties["d:e"]);
        Assert.Equal("i", config.Properties["g h"]);
    }

    [Fact]
    public void Key_without_value_has_an_empty_value()
    {
        Assert.Equal("", Parse("dataDir=/d\nfoo").Properties["foo"]);
    }

    [Fact]
    public void Line_numbers_count_natural_lines_and_point_at_the_start_of_a_continued_line()
    {
        var error = Refused("dataDir=/d\r\n# comment\r\n\r\nclientPort=\\\r\n  21\\\n  8x\n");

        Assert.Equal("conf/zoo.cfg:4: clientPort: '218x' is not a number", error.Message);
    }

    [Fact]
    public void Lone_carriage_returns_end_lines()
    {
        Assert.Equal(3, Refused("dataDir=/d\rtickTime=1\rclientPort=x").LineNumber);
    }

    [Fact]
    public void Repeated_keys_are_warned_about()
    {
        var config = Parse("dataDir=/d\ntickTime=2000\ntickTime=4000");

        Assert.Equal(4000, config.TickTime);
        Assert.Equal(["conf/zoo.cfg:3: tickTime is set again; the value on line 2 is ignored"], config.Warnings);
    }

    [Fact]
    public void Plain_and_system_property_forms_of_a_key_are_the_same_setting()
    {
        var config = Parse("dataDir=/d\nextendedTypesEnabled=false\nzookeeper.extendedTypesEnabled=true");

        Assert.True(config.ExtendedTypesEnabled);
        Assert.Equal("true", config.SystemProperties["zookeeper.extendedTypesEnabled"]);
        Assert.Equal(["conf/zoo.cfg:3: zookeeper.extendedTypesEnabled overrides extendedTypesEnabled on line 2"], config.Warnings);
    }
}
