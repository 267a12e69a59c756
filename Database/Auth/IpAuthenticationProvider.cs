using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CoordAspire.Database.Auth;

/// <summary>
/// The <c>ip</c> scheme: every connection is identified by its client address, and an ACL id is an address or
/// a network (<c>10.0.0.0/8</c>) (<c>IPAuthenticationProvider</c>).
/// </summary>
public sealed class IpAuthenticationProvider : IAuthenticationProvider
{
    public string Scheme => "ip";

    public bool IsAuthenticated => false;

    public string? Authenticate(ReadOnlySpan<byte> authData, string remoteAddress) => remoteAddress;

    public bool IsValid(string id)
    {
        var parts = id.Split('/', 2);
        var address = ParseAddress(parts[0]);
        if (address is null)
        {
            return false;
        }

        if (parts.Length == 2)
        {
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int bits) || bits < 0 || bits > address.Length * 8)
            {
                return false;
            }
        }

        return true;
    }

    public bool Matches(string identity, string aclId)
    {
        var parts = aclId.Split('/', 2);
        var aclAddress = ParseAddress(parts[0]);
        if (aclAddress is null)
        {
            return false;
        }

        int bits = aclAddress.Length * 8;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits < 0 || bits > aclAddress.Length * 8))
        {
            return false;
        }

        var remote = ParseAddress(identity);
        if (remote is null || remote.Length != aclAddress.Length)
        {
            return false;
        }

        for (int i = 0; i < aclAddress.Length; i++)
        {
            int maskBits = Math.Clamp(bits - (i * 8), 0, 8);
            byte mask = (byte)(0xFF << (8 - maskBits));
            if ((remote[i] & mask) != (aclAddress[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Dotted-quad IPv4 (exactly four parts, as ZooKeeper insists) or IPv6.</summary>
    private static byte[]? ParseAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6.GetAddressBytes() : null;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }

        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 255)
            {
                return null;
            }

            bytes[i] = (byte)value;
        }

        return bytes;
    }
}
