namespace CoordAspire.Database.Tree;

/// <summary>
/// What a znode's <c>ephemeralOwner</c> says about it (<c>EphemeralType</c>): 0 for a persistent node, a session
/// id for an ephemeral, <see cref="long.MinValue"/> for a container, and, with extended types enabled, the top
/// byte 0xff marking a TTL node whose TTL sits in the low 40 bits.
/// </summary>
public enum EphemeralType
{
    Void,
    Normal,
    Container,
    Ttl,
}

public static class EphemeralOwner
{
    public const long Container = long.MinValue;

    /// <summary>Largest TTL a node may have: the low 40 bits (about 34 years of milliseconds).</summary>
    public const long MaxTtl = ~(ExtendedMask | ReservedBitsMask);

    private const long ExtendedMask = unchecked((long)0xff00000000000000UL);
    private const long ReservedBitsMask = 0x00ffff0000000000L;
    private const int ReservedBitsShift = 40;

    public static EphemeralType TypeOf(long ephemeralOwner, bool extendedTypesEnabled)
    {
        if (extendedTypesEnabled && (ephemeralOwner & ExtendedMask) == ExtendedMask)
        {
            // Only feature bit 0 (TTL) is defined; ZooKeeper refuses any other.
            return ((ephemeralOwner & ReservedBitsMask) >> ReservedBitsShift) == 0
                ? EphemeralType.Ttl
                : throw new ArgumentException($"Invalid ephemeralOwner. [{ephemeralOwner:x}]");
        }

        if (ephemeralOwner == Container)
        {
            return EphemeralType.Container;
        }

        return ephemeralOwner == 0 ? EphemeralType.Void : EphemeralType.Normal;
    }

    public static bool IsValidTtl(long ttl) => ttl > 0 && ttl <= MaxTtl;

    public static long ForTtl(long ttl) => IsValidTtl(ttl)
        ? ExtendedMask | ttl
        : throw new ArgumentOutOfRangeException(nameof(ttl), $"ttl must be positive and cannot be larger than: {MaxTtl}");

    public static long TtlOf(long ephemeralOwner) => ephemeralOwner & MaxTtl;
}
