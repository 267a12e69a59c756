using System.Text;

namespace CoordAspire.Configuration;

/// <summary>One <c>key=value</c> of a properties file, with the line its logical line starts on.</summary>
internal readonly record struct PropertiesEntry(string Key, string Value, int LineNumber);

/// <summary>
/// Reads text exactly as <c>java.util.Properties.load</c> does, because zoo.cfg is a Java properties file
/// and operators' files are written against that reader's quirks. A port of JDK 17's
/// <c>Properties.LineReader.readLine</c>, <c>load0</c> and <c>loadConvert</c>:
/// <list type="bullet">
/// <item>natural lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c>; a logical line continues onto the next natural
/// line when it ends in an odd number of backslashes, and the next line's leading whitespace is dropped;</item>
/// <item>whitespace is only ' ', '\t' and '\f'; blank lines and lines whose first non-blank character is
/// '#' or '!' are skipped, and a comment line is never continued;</item>
/// <item>the key runs to the first unescaped '=', ':' or whitespace; then whitespace and at most one '=' or ':'
/// are skipped, and the rest of the line, trailing whitespace included, is the value;</item>
/// <item>escapes: <c>\t \n \r \f</c>, <c>\uXXXX</c> (exactly four hex digits or the load fails), and a
/// backslash before any other character stands for that character.</item>
/// </list>
/// Unlike Java, which decodes the bytes as ISO-8859-1, the caller hands us already-decoded text (UTF-8 files):
/// ASCII files, which is what every zoo.cfg in the wild is, read the same.
/// Duplicate keys are all returned in file order; the last one wins, as in a Java <c>Hashtable</c>.
/// </summary>
internal static class JavaProperties
{
    public static List<PropertiesEntry> Read(string text, string fileName)
    {
        var entries = new List<PropertiesEntry>();
        var lineStarts = LineStarts(text);
        var reader = new LineReader(text);
        var line = new StringBuilder();
        while (reader.ReadLine(line, out var startOffset))
        {
            var lineNumber = LineNumberOf(lineStarts, startOffset);
            entries.Add(SplitKeyValue(line, fileName, lineNumber));
        }

        return entries;
    }

    /// <summary><c>Properties.load0</c>: split one logical line into its unescaped key and value.</summary>
    private static PropertiesEntry SplitKeyValue(StringBuilder line, string fileName, int lineNumber)
    {
        var limit = line.Length;
        var keyLength = 0;
        var valueStart = limit;
        var hasSeparator = false;
        var precedingBackslash = false;
        while (keyLength < limit)
        {
            var c = line[keyLength];
            if (c is '=' or ':' && !precedingBackslash)
            {
                valueStart = keyLength + 1;
                hasSeparator = true;
                break;
            }

            if (IsWhitespace(c) && !precedingBackslash)
            {
                valueStart = keyLength + 1;
                break;
            }

            precedingBackslash = c == '\\' && !precedingBackslash;
            keyLength++;
        }

        while (valueStart < limit)
        {
            var c = line[valueStart];
            if (!IsWhitespace(c))
            {
                if (!hasSeparator && c is '=' or ':')
                {
                    hasSeparator = true;
                }
                else
                {
                    break;
                }
            }

            valueStart++;
        }

        var key = Unescape(line, 0, keyLength, fileName, lineNumber);
        var value = Unescape(line, valueStart, limit - valueStart, fileName, lineNumber);
        return new PropertiesEntry(key, value, lineNumber);
    }

    /// <summary><c>Properties.loadConvert</c>.</summary>
    private static string Unescape(StringBuilder line, int offset, int length, string fileName, int lineNumber)
    {
        var result = new StringBuilder(length);
        var end = offset + length;
        while (offset < end)
        {
            var c = line[offset++];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            // Unreachable: the line reader drops an unescaped backslash at the end of a line and a key
            // ends before an unescaped separator. Java relies on that without a check; we keep one.
            if (offset >= end)
            {
                break;
            }

            c = line[offset++];
            if (c == 'u')
            {
                if (offset > end - 4)
                {
                    throw new ZooConfigException(fileName, lineNumber, @"Malformed \uxxxx encoding.");
                }

                var value = 0;
                for (var i = 0; i < 4; i++)
                {
                    var digit = HexValue(line[offset++]);
                    if (digit < 0)
                    {
                        throw new ZooConfigException(fileName, lineNumber, @"Malformed \uxxxx encoding.");
                    }

                    value = (value << 4) + digit;
                }

                result.Append((char)value);
            }
            else
            {
                result.Append(c switch
                {
                    't' => '\t',
                    'r' => '\r',
                    'n' => '\n',
                    'f' => '\f',
                    _ => c,
                });
            }
        }

        return result.ToString();
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\f';

    /// <summary>Offsets at which natural lines start, counting <c>\r\n</c> as one line break.</summary>
    private static List<int> LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static int LineNumberOf(List<int> lineStarts, int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary><c>Properties.LineReader</c>: yields logical lines with comments, blanks and continuations resolved.</summary>
    private sealed class LineReader(string text)
    {
        private int offset;

        // Set after a continuation that ended in '\r', so that a following '\n' is not a second line break.
        private bool skipLineFeed;

        public bool ReadLine(StringBuilder line, out int startOffset)
        {
            line.Clear();
            startOffset = -1;
            var skipWhitespace = true;
            var appendedLineBegin = false;
            var precedingBackslash = false;
            while (true)
            {
                if (offset >= text.Length)
                {
                    return EndOfText(line, precedingBackslash);
                }

                var c = text[offset++];
                if (skipLineFeed)
                {
                    skipLineFeed = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }

                if (skipWhitespace)
                {
                    if (IsWhitespace(c))
                    {
                        continue;
                    }

                    // Blank lines are skipped, except right after a continuation: there an empty line ends the logical line.
                    if (!appendedLineBegin && c is '\r' or '\n')
                    {
                        continue;
                    }

                    skipWhitespace = false;
                    appendedLineBegin = false;
                }

                if (line.Length == 0 && c is '#' or '!')
                {
                    // A comment runs to the end of its natural line; a trailing backslash does not continue it.
                    while (offset < text.Length && text[offset] is not ('\r' or '\n'))
                    {
                        offset++;
                    }

                    if (offset >= text.Length)
                    {
                        return EndOfText(line, precedingBackslash: false);
                    }

                    offset++;
                    skipWhitespace = true;
                    continue;
                }

                if (c is not ('\n' or '\r'))
                {
                    if (startOffset < 0)
                    {
                        startOffset = offset - 1;
                    }

                    line.Append(c);
                    precedingBackslash = c == '\\' && !precedingBackslash;
                    continue;
                }

                if (line.Length == 0)
                {
                    skipWhitespace = true;
                    continue;
                }

                if (offset >= text.Length)
                {
                    return EndOfText(line, precedingBackslash);
                }

                if (!precedingBackslash)
                {
                    return true;
                }

                // The backslash at the end of a natural line joins it with the next one and is not part of the line.
                line.Length--;
                skipWhitespace = true;
                appendedLineBegin = true;
                precedingBackslash = false;
                if (c == '\r')
                {
                    skipLineFeed = true;
                }
            }
        }

        private static bool EndOfText(StringBuilder line, bool precedingBackslash)
        {
            if (precedingBackslash)
            {
                line.Length--;
            }

            return line.Length > 0 || precedingBackslash;
        }
    }
}
