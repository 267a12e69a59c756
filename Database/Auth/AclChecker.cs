using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Auth;

/// <summary>
/// ACL evaluation and normalisation (<c>ZooKeeperServer.checkACL</c>, <c>PrepRequestProcessor.fixupACL</c>).
/// </summary>
public sealed class AclChecker
{
    private readonly Dictionary<string, IAuthenticationProvider> _providers;

    public AclChecker(IEnumerable<IAuthenticationProvider>? providers = null)
    {
        _providers = (providers ?? [new DigestAuthenticationProvider(), new IpAuthenticationProvider()])
            .ToDictionary(p => p.Scheme, StringComparer.Ordinal);
    }

    public IAuthenticationProvider? GetProvider(string scheme) => _providers.GetValueOrDefault(scheme);

    /// <summary>Throws NOAUTH unless one of the identities holds <paramref name="perm"/> under <paramref name="acl"/>.</summary>
    public void CheckAcl(IReadOnlyList<Acl> acl, Perms perm, IReadOnlyList<Id> authInfo, string? path = null)
    {
        if (!IsAllowed(acl, perm, authInfo))
        {
            throw new KeeperException(ErrorCode.NoAuth, path);
        }
    }

    public bool IsAllowed(IReadOnlyList<Acl> acl, Perms perm, IReadOnlyList<Id> authInfo)
    {
        foreach (var id in authInfo)
        {
            if (id.Scheme == "super")
            {
                return true;
            }
        }

        if (acl.Count == 0)
        {
            return true;
        }

        foreach (var entry in acl)
        {
            if ((entry.Perms & perm) == 0)
            {
                continue;
            }

            var id = entry.Id;
            if (id.Scheme == "world" && id.Ident == "anyone")
            {
                return true;
            }

            if (!_providers.TryGetValue(id.Scheme, out var provider))
            {
                continue;
            }

            foreach (var authId in authInfo)
            {
                if (authId.Scheme == id.Scheme && provider.Matches(authId.Ident, id.Ident))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Validates an ACL given by a client and expands the <c>auth</c> pseudo-scheme into the requester's
    /// authenticated identities; duplicates are dropped. INVALIDACL for an empty list, an unknown scheme, a
    /// malformed id, or <c>auth</c> from a client that has authenticated as nobody.
    /// </summary>
    public IReadOnlyList<Acl> FixupAcl(string path, IReadOnlyList<Id> authInfo, IReadOnlyList<Acl> acls)
    {
        var unique = acls.Distinct().ToList();
        if (unique.Count == 0)
        {
            throw new KeeperException(ErrorCode.InvalidAcl, path);
        }

        var result = new List<Acl>(unique.Count);
        foreach (var acl in unique)
        {
            var id = acl.Id;
            if (id.Scheme == "world" && id.Ident == "anyone")
            {
                result.Add(acl);
            }
            else if (id.Scheme == "auth")
            {
                bool authIdValid = false;
                foreach (var authId in authInfo)
                {
                    if (_providers.TryGetValue(authId.Scheme, out var provider) && provider.IsAuthenticated)
                    {
                        authIdValid = true;
                        result.Add(new Acl(acl.Perms, authId));
                    }
                }

                if (!authIdValid)
                {
                    throw new KeeperException(ErrorCode.InvalidAcl, path);
                }
            }
            else
            {
                if (!_providers.TryGetValue(id.Scheme, out var provider) || !provider.IsValid(id.Ident))
                {
                    throw new KeeperException(ErrorCode.InvalidAcl, path);
                }

                result.Add(acl);
            }
        }

        return result;
    }
}
