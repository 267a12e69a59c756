namespace CoordAspire.Database.Auth;

/// <summary>An ACL scheme (<c>ServerAuthenticationProvider</c>): how an addauth turns into an identity and how an identity matches an ACL id.</summary>
public interface IAuthenticationProvider
{
    string Scheme { get; }

    /// <summary>Whether identities of this scheme count as authenticated users, which the <c>auth</c> ACL pseudo-scheme expands to.</summary>
    bool IsAuthenticated { get; }

    /// <summary>The identity an addauth with these bytes proves, or null if it proves nothing (AUTHFAILED).</summary>
    string? Authenticate(ReadOnlySpan<byte> authData, string remoteAddress);

    /// <summary>Whether an ACL id of this scheme is well formed.</summary>
    bool IsValid(string id);

    /// <summary>Whether an authenticated identity satisfies an ACL id.</summary>
    bool Matches(string identity, string aclId);
}
