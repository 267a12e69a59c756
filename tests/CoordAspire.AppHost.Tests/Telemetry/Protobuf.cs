using System.Globalization;
using System.Text;

namespace CoordAspire.AppHost.Tests.Telemetry;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP: varints, and length-delimited fields (messages, strings,
/// bytes) picked out by field number; every other wire type is skipped. No generated code, so the test needs neither
/// the .proto files nor a code generator.
/// </summary>
internal static class Protobuf
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    /// <summary>Every length-delimited field <paramref name="field"/> of <paramref name="message"/>, in order.</summary>
    public static IEnumerable<byte[]> Messages(byte[]? message, int field)
    {
        if (message is null)
        {
            yield break;
        }

        int offset = 0;
        while (offset < message.Length)
        {
            ulong tag = ReadVarint(message, ref offset);
            int number = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case Varint:
                    ReadVarint(message, ref offset);
                    break;
                case Fixed64:
                    offset += 8;
                    break;
                case Fixed32:
                    offset += 4;
                    break;
                case LengthDelimited:
                    int length = checked((int)ReadVarint(message, ref offset));
                    if (number == field)
                    {
                        yield return message[offset..(offset + length)];
                    }

                    offset += length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {tag & 7} is not used by OTLP");
            }
        }
    }

    /// <summary>The last fixed64 field <paramref name="field"/> (a <c>fixed64</c>, <c>sfixed64</c> or <c>double</c>), if any.</summary>
    public static ulong? Fixed64Field(byte[]? message, int field)
    {
        if (message is null)
        {
            return null;
        }

        ulong? value = null;
        int offset = 0;
        while (offset < message.Length)
        {
            ulong tag = ReadVarint(message, ref offset);
            switch ((int)(tag & 7))
            {
                case Varint:
                    ReadVarint(message, ref offset);
                    break;
                case Fixed64:
                    if ((int)(tag >> 3) == field)
                    {
                        value = BitConverter.ToUInt64(message, offset);
                    }

                    offset += 8;
                    break;
                case Fixed32:
                    offset += 4;
                    break;
                case LengthDelimited:
                    int length = checked((int)ReadVarint(message, ref offset));
                    offset += length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {tag & 7} is not used by OTLP");
            }
        }

        return value;
    }

    /// <summary>An <c>AnyValue</c> (the body of a log record) as text.</summary>
    public static string AnyValueText(byte[]? value) => value is null ? "" : AnyValue(value);

    public static string String(byte[]? message, int field) =>
        Messages(message, field).FirstOrDefault() is { } bytes ? Encoding.UTF8.GetString(bytes) : "";

    public static string Hex(byte[] message, int field) =>
        Messages(message, field).FirstOrDefault() is { } bytes ? Convert.ToHexStringLower(bytes) : "";

    /// <summary>
    /// <c>repeated KeyValue</c> field <paramref name="field"/>: <c>KeyValue { string key = 1; AnyValue value = 2 }</c>,
    /// <c>AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4 }</c>,
    /// every value rendered as text.
    /// </summary>
    public static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(message, field))
        {
            var value = Messages(keyValue, 2).FirstOrDefault() ?? [];
            attributes[String(keyValue, 1)] = AnyValue(value);
        }

        return attributes;
    }

    private static string AnyValue(byte[] value)
    {
        int offset = 0;
        if (value.Length == 0)
        {
            return "";
        }

        ulong tag = ReadVarint(value, ref offset);
        return (int)(tag >> 3) switch
        {
            1 => String(value, 1),
            2 => (ReadVarint(value, ref offset) != 0).ToString(),
            3 => ((long)ReadVarint(value, ref offset)).ToString(CultureInfo.InvariantCulture),
            4 => BitConverter.ToDouble(value, offset).ToString(CultureInfo.InvariantCulture),
            _ => "",
        };
    }

    private static ulong ReadVarint(byte[] buffer, ref int offset)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = buffer[offset++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
    }
}
