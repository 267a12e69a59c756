namespace CoordAspire.Storage;

/// <summary>
/// The Adler-32 checksum (RFC 1950 §8.2), as <c>java.util.zip.Adler32</c> computes it: every transaction log
/// entry and every snapshot carries one. Java reports it as a <c>long</c> holding the unsigned 32-bit value, and
/// that long is what is written to disk, so <see cref="Value"/> is a long too.
/// </summary>
public struct Adler32
{
    private const uint Modulus = 65521;

    // The largest n such that 255·n·(n+1)/2 + (n+1)·(Modulus−1) fits in 32 bits (zlib's NMAX): sums may run
    // this many bytes before they must be reduced.
    private const int MaxRun = 5552;

    private uint _a;
    private uint _b;
    private bool _started;

    /// <summary>The checksum of everything given to <see cref="Update"/> so far (1 for nothing, as Java's).</summary>
    public readonly long Value => _started ? ((long)_b << 16) | _a : 1L;

    public static long Compute(ReadOnlySpan<byte> bytes)
    {
        var adler = default(Adler32);
        adler.Update(bytes);
        return adler.Value;
    }

    public void Reset() => this = default;

    public void Update(ReadOnlySpan<byte> bytes)
    {
        if (!_started)
        {
            _a = 1;
            _b = 0;
            _started = true;
        }

        uint a = _a;
        uint b = _b;
        while (bytes.Length > 0)
        {
            int run = Math.Min(bytes.Length, MaxRun);
            foreach (byte x in bytes[..run])
            {
                a += x;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            bytes = bytes[run..];
        }

        _a = a;
        _b = b;
    }
}
