using System.Globalization;

namespace CoordAspire.Storage;

/// <summary>
/// File names of a data directory (<c>persistence.Util</c>): <c>log.&lt;zxid&gt;</c> is the transaction log whose
/// first transaction has that zxid, <c>snapshot.&lt;zxid&gt;</c> the snapshot taken when that zxid was the last one
/// applied. The zxid is lowercase hex without padding (Java's <c>Long.toHexString</c>): <c>log.100000001</c>,
/// <c>snapshot.0</c>. Both live in a <c>version-2</c> directory under dataLogDir and dataDir respectively.
/// </summary>
public static class DataDirFiles
{
    public const string LogPrefix = "log";

    public const string SnapshotPrefix = "snapshot";

    /// <summary>The subdirectory of dataDir and dataLogDir that holds the files (<c>FileTxnSnapLog.version + VERSION</c>).</summary>
    public const string VersionDirectory = "version-2";

    public static string MakeLogName(long zxid) => LogPrefix + "." + ToHex(zxid);

    public static string MakeSnapshotName(long zxid) => SnapshotPrefix + "." + ToHex(zxid);

    /// <summary>Java's <c>Long.toHexString</c>: lowercase, no padding, two's complement for negatives.</summary>
    public static string ToHex(long zxid) => zxid.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>Util.getZxidFromName</c>: the hex zxid after <c>prefix.</c>, ignoring any further dot-separated suffix
    /// (<c>snapshot.1f.gz</c> is zxid 0x1f); -1 when the name is not of that form.
    /// </summary>
    public static long ZxidFromName(string name, string prefix)
    {
        var parts = name.Split('.');
        if (parts.Length < 2 || parts[0] != prefix || parts[1].Length is 0 or > 16)
        {
            return -1;
        }

        foreach (char c in parts[1])
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return -1;
            }
        }

        // Long.parseLong(s, 16) refuses values above long.MaxValue.
        return long.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long zxid) && zxid >= 0 ? zxid : -1;
    }

    /// <summary>
    /// The files of <paramref name="directory"/> named <c>prefix.&lt;zxid&gt;…</c>, ordered by zxid
    /// (<c>Util.sortDataDir</c>). Missing directory: none.
    /// </summary>
    public static List<(string Path, long Zxid)> List(string directory, string prefix, bool ascending)
    {
        var files = new List<(string Path, long Zxid)>();
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(directory, prefix + ".*"))
        {
            long zxid = ZxidFromName(Path.GetFileName(path), prefix);
            if (zxid >= 0)
            {
                files.Add((path, zxid));
            }
        }

        files.Sort((x, y) => ascending ? x.Zxid.CompareTo(y.Zxid) : y.Zxid.CompareTo(x.Zxid));
        return files;
    }
}
