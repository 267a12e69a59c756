namespace CoordAspire.Database.Sessions;

/// <summary>
/// <c>java.util.Random</c>'s 48-bit linear congruential generator, bit for bit. ZooKeeper derives a session's
/// password from its id with it; using the same generator lets any server of a mixed ensemble (ours or Apache
/// ZooKeeper's) validate a password another one issued.
/// </summary>
internal struct JavaRandom
{
    private const long Multiplier = 0x5DEECE66DL;
    private const long Addend = 0xBL;
    private const long Mask = (1L << 48) - 1;

    private long _seed;

    public JavaRandom(long seed) => _seed = (seed ^ Multiplier) & Mask;

    public int NextInt() => Next(32);

    public void NextBytes(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length;)
        {
            for (int rnd = NextInt(), n = Math.Min(bytes.Length - i, 4); n-- > 0; rnd >>= 8)
            {
                bytes[i++] = (byte)rnd;
            }
        }
    }

    private int Next(int bits)
    {
        _seed = unchecked((_seed * Multiplier) + Addend) & Mask;
        return (int)((ulong)_seed >> (48 - bits));
    }
}
