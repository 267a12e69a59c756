using System.Globalization;

namespace CoordAspire.Node.Commands;

/// <summary>Numbers and dates printed the way the Java server prints them, since tools parse the four letter words.</summary>
internal static class JavaFormat
{
    /// <summary><c>Double.toString</c>: shortest round-trip digits, at least one decimal (<c>5.25</c>, <c>0.0</c>).</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        double magnitude = Math.Abs(value);
        if (value != 0 && (magnitude >= 1e7 || magnitude < 1e-3))
        {
            // Java switches to computerized scientific notation here: 1.0E7, 1.5E-4.
            string text = value.ToString("E16", CultureInfo.InvariantCulture);
            double mantissa = double.Parse(text[..text.IndexOf('E', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            int exponent = int.Parse(text[(text.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            return Double(mantissa) + "E" + exponent.ToString(CultureInfo.InvariantCulture);
        }

        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        return shortest.Contains('.', StringComparison.Ordinal) ? shortest : shortest + ".0";
    }

    /// <summary><c>Long.toHexString</c>: two's complement, lower case, no leading zeros.</summary>
    public static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary><c>java.util.Date.toString</c> in UTC: <c>Wed Nov 25 12:31:54 UTC 2026</c>.</summary>
    public static string Date(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    /// <summary><c>InetSocketAddress.toString</c> of an address without a host name: <c>/127.0.0.1:2181</c>.</summary>
    public static string SocketAddress(System.Net.IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"/{endPoint.Address}:{endPoint.Port}"
            : $"/{endPoint}";
}
