using System.Globalization;

namespace CoordAspire.Database;

/// <summary>
/// A zxid or session id as a structured log field: <c>0x…</c> in lower-case hex, as ZooKeeper prints them and as our
/// spans carry them (<c>zab.zxid</c>, <c>zookeeper.session_id</c>). Log messages name such fields <c>Zxid</c> and
/// <c>SessionId</c>, so that one filter in the dashboard's structured logs (<c>Zxid</c> equals <c>0x100000003</c>)
/// finds every line about that transaction on every node, with the text a span or a message shows. A struct, so
/// nothing is formatted unless the line is written; OpenTelemetry exports it as a string attribute (its
/// <see cref="ToString()"/>). In a message template it is <c>{Zxid}</c>, not <c>0x{Zxid:x}</c>: it prints the 0x.
/// </summary>
public readonly record struct HexField(long Value) : ISpanFormattable
{
    /// <summary>So that a log call passes a zxid or session id as it has it.</summary>
    public static implicit operator HexField(long value) => new(value);

    public override string ToString() => "0x" + Value.ToString("x", CultureInfo.InvariantCulture);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        if (destination.Length < 3 || !Value.TryFormat(destination[2..], out int digits, "x", CultureInfo.InvariantCulture))
        {
            return false;
        }

        destination[0] = '0';
        destination[1] = 'x';
        charsWritten = digits + 2;
        return true;
    }
}
