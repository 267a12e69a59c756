using CoordAspire.Node.Commands;

namespace CoordAspire.Node.Tests.Commands;

/// <summary>Numbers and dates as Java prints them, since monitoring tools parse the four letter words.</summary>
public sealed class JavaFormatTests
{
    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(5.25, "5.25")]
    [InlineData(0.5, "0.5")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "1.0E-4")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(12345678.9, "1.23456789E7")]
    [InlineData(-2.5, "-2.5")]
    public void Double_is_Java_Double_toString(double value, string expected)
    {
        Assert.Equal(expected, JavaFormat.Double(value));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(255L, "ff")]
    [InlineData(-1L, "ffffffffffffffff")]
    [InlineData(0x10000094e210000L, "10000094e210000")]
    public void Hex_is_Long_toHexString(long value, string expected)
    {
        Assert.Equal(expected, JavaFormat.Hex(value));
    }

    [Fact]
    public void Date_is_Date_toString_in_UTC()
    {
        Assert.Equal("Thu Jan 01 00:00:00 UTC 1970", JavaFormat.Date(0));
        Assert.Equal("Wed Nov 25 12:31:54 UTC 2026", JavaFormat.Date(new DateTimeOffset(2026, 11, 25, 12, 31, 54, TimeSpan.Zero).ToUnixTimeMilliseconds()));
    }
}
