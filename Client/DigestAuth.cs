using System.Security.Cryptography;
using System.Text;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

/// <summary>
/// ZooKeeper's <c>digest</c> scheme (<c>DigestAuthenticationProvider</c>): a session authenticates with
/// <c>user:password</c>; an ACL names the identity <c>user:base64(sha1(user:password))</c>.
/// </summary>
public static class DigestAuth
{
    public const string Scheme = "digest";

    /// <summary>The credentials to pass to <see cref="ZooKeeperClient.AddAuthAsync"/>.</summary>
    public static byte[] Credentials(string user, string password) => Encoding.UTF8.GetBytes($"{user}:{password}");

    /// <summary>The ACL identity of <paramref name="user"/> with <paramref name="password"/>.</summary>
    public static Id Id(string user, string password)
    {
        string hash = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return new Id(Scheme, $"{user}:{hash}");
    }

    /// <summary>An ACL entry granting <paramref name="perms"/> to <paramref name="user"/>.</summary>
    public static Acl Acl(string user, string password, Perms perms = Perms.All) => new(perms, Id(user, password));
}
