using System.Globalization;

namespace CoordAspire.Configuration;

/// <summary>
/// One setting as ZooKeeper sees it: key and value trimmed the way <c>QuorumPeerConfig.parseProperties</c> trims
/// them (<c>String.trim</c>), remembering where it was written so that every complaint can point at it.
/// The typed readers here are strict where ZooKeeper is: <c>Integer.parseInt</c>, <c>Long.parseLong</c> and
/// <c>parseBoolean</c>, which accept no whitespace, no hex, no units.
/// </summary>
internal sealed record ConfigEntry(string Key, string Value, string FileName, int LineNumber)
{
    public static ConfigEntry From(PropertiesEntry entry, string fileName) =>
        new(JavaTrim(entry.Key), JavaTrim(entry.Value), fileName, entry.LineNumber);

    public ZooConfigException Error(string reason) => new(FileName, LineNumber, reason);

    /// <summary>Where this entry was written, for warnings: <c>conf/zoo.cfg:7</c>.</summary>
    public string Location => $"{FileName}:{LineNumber}";

    public int ToInt32() => (int)ParseInteger(Value, int.MinValue, int.MaxValue);

    public long ToInt64() => ParseInteger(Value, long.MinValue, long.MaxValue);

    /// <summary>
    /// A number read the way ZooKeeper reads its system properties (<c>Integer.getInteger</c>, <c>Long.getLong</c>),
    /// which use <c>Integer.decode</c>: decimal, <c>0x</c>/<c>0X</c>/<c>#</c> hexadecimal, or octal after a leading 0.
    /// So <c>jute.maxbuffer=0xfffff</c> works, and <c>snapCount=010</c> is 8, as in ZooKeeper.
    /// </summary>
    public long ToDecodedInteger(long min, long max)
    {
        var text = Value;
        var index = 0;
        var negative = false;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            index++;
        }

        var radix = 10;
        if (string.CompareOrdinal(text, index, "0x", 0, 2) == 0 || string.CompareOrdinal(text, index, "0X", 0, 2) == 0)
        {
            radix = 16;
            index += 2;
        }
        else if (string.CompareOrdinal(text, index, "#", 0, 1) == 0)
        {
            radix = 16;
            index++;
        }
        else if (string.CompareOrdinal(text, index, "0", 0, 1) == 0 && text.Length > index + 1)
        {
            radix = 8;
            index++;
        }

        if (index >= text.Length)
        {
            throw Error($"{Key}: '{text}' is not a number");
        }

        Int128 magnitude = 0;
        foreach (var c in text.AsSpan(index))
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                throw Error($"{Key}: '{text}' is not a number");
            }

            magnitude = Int128.Min((magnitude * radix) + digit, (Int128)long.MaxValue + 2);
        }

        var value = negative ? -magnitude : magnitude;
        return value >= min && value <= max ? (long)value : throw Error($"{Key}: '{text}' is out of range ({min} to {max})");
    }

    /// <summary>A number that must not be negative: counts, limits and intervals.</summary>
    public int ToNonNegativeInt32()
    {
        var n = ToInt32();
        return n >= 0 ? n : throw Error($"{Key}: {n} must not be negative");
    }

    /// <summary>A number that must be at least 1: ticks and tick multiples.</summary>
    public int ToPositiveInt32()
    {
        var n = ToInt32();
        return n > 0 ? n : throw Error($"{Key}: {n} must be a positive number");
    }

    /// <summary>A TCP port; 0 is allowed where ZooKeeper takes it to mean "not set".</summary>
    public int ToPort(bool allowZero)
    {
        var port = ToInt32();
        var min = allowZero ? 0 : 1;
        return port >= min && port <= 65535 ? port : throw Error($"{Key}: port {port} is out of range ({min}-65535)");
    }

    /// <summary>
    /// <c>QuorumPeerConfig.parseBoolean</c>: "true" or "false" in any case, nothing else.
    /// Settings that ZooKeeper reads with <c>Boolean.getBoolean</c> (anything but "true" is false) are
    /// read strictly too, so that a typo does not silently turn a feature off.
    /// </summary>
    public bool ToBoolean()
    {
        if (Value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (Value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw Error($"{Key}: '{Value}' is not a boolean; choose 'true' or 'false'");
    }

    /// <summary>
    /// The yes/no switches (<c>forceSync</c>, <c>skipACL</c>). ZooKeeper compares with "no" (or "yes") exactly, so
    /// "No" silently means the opposite of what was meant; we accept only the two words.
    /// </summary>
    public bool ToYesNo()
    {
        return Value switch
        {
            "yes" => true,
            "no" => false,
            _ => throw Error($"{Key}: '{Value}' is not 'yes' or 'no'"),
        };
    }

    /// <summary>A non-empty value: paths and names, where ZooKeeper's behaviour on "" is an accident.</summary>
    public string ToNonEmpty() => Value.Length > 0 ? Value : throw Error($"{Key}: value is empty");

    /// <summary>
    /// A host name or IP literal. It is not resolved here (ZooKeeper resolves while parsing; we leave DNS to
    /// whoever binds or connects, so that parsing stays pure), only checked for what can never resolve.
    /// Brackets around an IPv6 literal are removed.
    /// </summary>
    public string ToHost(string host)
    {
        if (host.Length > 1 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        if (host.Length == 0)
        {
            throw Error($"{Key}: host is empty");
        }

        if (host.Any(c => char.IsWhiteSpace(c) || c is '[' or ']' or '/' or ';' or '|'))
        {
            throw Error($"{Key}: '{host}' is not a host name or IP address");
        }

        return host;
    }

    private long ParseInteger(string text, long min, long max)
    {
        // Integer.parseInt / Long.parseLong: an optional sign and ASCII digits; overflow is an error as well.
        var digits = text.Length > 0 && text[0] is '+' or '-' ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw Error($"{Key}: '{text}' is not a number");
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Error($"{Key}: '{text}' is out of range ({min} to {max})");
    }

    /// <summary>Java's <c>String.trim</c>: strips every character up to U+0020, not only what .NET calls whitespace.</summary>
    public static string JavaTrim(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && s[start] <= ' ')
        {
            start++;
        }

        while (end > start && s[end - 1] <= ' ')
        {
            end--;
        }

        return s[start..end];
    }
}
