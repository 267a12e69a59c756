using System.Security.Cryptography;
using System.Text;

namespace CoordAspire.Database.Auth;

/// <summary>
/// The <c>digest</c> scheme: <c>addauth digest user:password</c> proves the identity
/// <c>user:base64(sha1("user:password"))</c>, which is what an ACL names (<c>DigestAuthenticationProvider</c>).
/// </summary>
public sealed class DigestAuthenticationProvider : IAuthenticationProvider
{
    public string Scheme => "digest";

    public bool IsAuthenticated => true;

    /// <summary><c>generateDigest</c>: the ACL id for a <c>user:password</c> pair.</summary>
    public static string GenerateDigest(string idPassword)
    {
        int colon = idPassword.IndexOf(':', StringComparison.Ordinal);
        string user = colon < 0 ? idPassword : idPassword[..colon];
        // SHA-1 is what ZooKeeper's digest scheme is defined with; ids must match Apache ZooKeeper's byte for byte.
#pragma warning disable CA5350
        byte[] hash = SHA1.HashData(Encoding.UTF8.GetBytes(idPassword));
#pragma warning restore CA5350
        return user + ":" + Convert.ToBase64String(hash);
    }

    public string? Authenticate(ReadOnlySpan<byte> authData, string remoteAddress) =>
        GenerateDigest(Encoding.UTF8.GetString(authData));

    public bool IsValid(string id) => id.Split(':').Length == 2;

    public bool Matches(string identity, string aclId) => string.Equals(identity, aclId, StringComparison.Ordinal);
}
