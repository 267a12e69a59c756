using System.Buffers.Binary;
using System.Text;
using CoordAspire.Node.Commands;

namespace CoordAspire.Node.Tests.Commands;

/// <summary>The words as ints on the wire (<c>FourLetterCommands.cmd2String</c>): these values are the protocol.</summary>
public sealed class FourLetterCommandTests
{
    public static TheoryData<string> KnownWords => [.. CoordAspire.Configuration.FourLetterWords.All];

    [Theory]
    [MemberData(nameof(KnownWords))]
    public void Every_word_ZooKeeper_knows_parses_to_its_command(string word)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(Encoding.ASCII.GetBytes(word));

        Assert.True(FourLetterCommands.TryParse(value, out var command));
        Assert.Equal(word, command.Name());
    }

    [Theory]
    [InlineData("ruok", 1920298859)]
    [InlineData("srvr", 1936881266)]
    [InlineData("stat", 1937006964)]
    [InlineData("mntr", 1835955314)]
    [InlineData("wchc", 2003003491)]
    [InlineData("stmk", 1937010027)]
    public void Values_are_those_ZooKeeper_logs(string word, int value)
    {
        Assert.True(FourLetterCommands.TryParse(value, out var command));
        Assert.Equal(word, command.Name());
    }

    [Fact]
    public void The_telnet_interrupt_is_a_command()
    {
        Assert.True(FourLetterCommands.TryParse(-720899, out var command));
        Assert.Equal(FourLetterCommand.TelnetClose, command);
        Assert.Equal("telnet close", command.Name());
    }

    [Theory]
    [InlineData("abcd")]
    [InlineData("RUOK")]
    [InlineData("\0\0\0\u0010")]
    public void Other_words_are_not_commands(string word)
    {
        Assert.False(FourLetterCommands.TryParse(Encoding.ASCII.GetBytes(word), out _));
    }

    [Fact]
    public void Every_command_is_beyond_any_frame_length()
    {
        Assert.All(Enum.GetValues<FourLetterCommand>(), c => Assert.True((int)c < 0 || (int)c > Protocol.Framing.DefaultMaxBuffer));
    }
}
