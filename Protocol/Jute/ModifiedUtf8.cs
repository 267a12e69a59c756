using System.Text;

namespace CoordAspire.Protocol.Jute;

/// <summary>
/// Decodes jute strings. ZooKeeper's Java side writes standard UTF-8, but older clients and some
/// non-Java ports encode supplementary characters the way Java's <c>DataOutput.writeUTF</c> does
/// (CESU-8: each UTF-16 surrogate as its own three-byte sequence). We accept both, so a path written
/// either way names the same znode.
/// </summary>
public static class ModifiedUtf8
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        // Fast path: ASCII, which is nearly every path anyone uses.
        if (System.Text.Ascii.IsValid(bytes))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return DecodeCesu8(bytes);
        }
    }

    /// <summary>Decodes one- to three-byte sequences into UTF-16 units, allowing encoded surrogates.</summary>
    private static string DecodeCesu8(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        int count = 0;
        for (int i = 0; i < bytes.Length;)
        {
            byte b = bytes[i];
            if (b < 0x80)
            {
                chars[count++] = (char)b;
                i++;
            }
            else if ((b & 0xE0) == 0xC0 && i + 1 < bytes.Length && IsContinuation(bytes[i + 1]))
            {
                chars[count++] = (char)(((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F));
                i += 2;
            }
            else if ((b & 0xF0) == 0xE0 && i + 2 < bytes.Length && IsContinuation(bytes[i + 1]) && IsContinuation(bytes[i + 2]))
            {
                chars[count++] = (char)(((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F));
                i += 3;
            }
            else if ((b & 0xF8) == 0xF0 && i + 3 < bytes.Length && IsContinuation(bytes[i + 1]) && IsContinuation(bytes[i + 2]) && IsContinuation(bytes[i + 3]))
            {
                int codePoint = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F);
                if (codePoint > 0x10FFFF)
                {
                    chars[count++] = '\uFFFD';
                }
                else
                {
                    count += char.ConvertFromUtf32(codePoint).AsSpan().TryCopyTo(chars.AsSpan(count)) ? 2 : 0;
                }

                i += 4;
            }
            else
            {
                // Java's decoder replaces what it cannot read rather than failing the request.
                chars[count++] = '\uFFFD';
                i++;
            }
        }

        return new string(chars, 0, count);
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;
}
