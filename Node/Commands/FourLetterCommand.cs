using System.Buffers.Binary;
using System.Text;

namespace CoordAspire.Node.Commands;

/// <summary>
/// The four letter words of ZooKeeper 3.8 (<c>FourLetterCommands</c>). A client sends the four ASCII letters instead
/// of the first frame's length; since every such word read as a big-endian int is far above <c>jute.maxbuffer</c>, it
/// cannot be mistaken for a length. The values are those ints.
/// </summary>
internal enum FourLetterCommand
{
    Conf = 0x636f6e66,
    Cons = 0x636f6e73,
    Crst = 0x63727374,
    Dirs = 0x64697273,
    Dump = 0x64756d70,
    Envi = 0x656e7669,
    Gtmk = 0x67746d6b,
    Hash = 0x68617368,
    Isro = 0x6973726f,
    Mntr = 0x6d6e7472,
    Ruok = 0x72756f6b,
    Srst = 0x73727374,
    Srvr = 0x73727672,
    Stat = 0x73746174,
    Stmk = 0x73746d6b,
    Wchc = 0x77636863,
    Wchp = 0x77636870,
    Wchs = 0x77636873,

    /// <summary>What telnet sends for Ctrl-C (IAC IP IAC DO): ZooKeeper just closes the connection.</summary>
    TelnetClose = unchecked((int)0xfff4fffd),
}

internal static class FourLetterCommands
{
    /// <summary>Whether the first four bytes of a connection are a four letter word rather than a frame length.</summary>
    public static bool TryParse(int word, out FourLetterCommand command)
    {
        command = (FourLetterCommand)word;
        return Enum.IsDefined(command);
    }

    public static bool TryParse(ReadOnlySpan<byte> firstFour, out FourLetterCommand command) =>
        TryParse(BinaryPrimitives.ReadInt32BigEndian(firstFour), out command);

    /// <summary>The word as sent, <c>ruok</c>; <c>telnet close</c> for the telnet sequence, as ZooKeeper names it.</summary>
    public static string Name(this FourLetterCommand command)
    {
        if (command == FourLetterCommand.TelnetClose)
        {
            return "telnet close";
        }

        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, (int)command);
        return Encoding.ASCII.GetString(bytes);
    }
}
