namespace CoordAspire.LoadTool;

/// <summary>
/// Spreads connections evenly over the servers while keeping every server in each connect string (so a connection
/// still fails over). The client shuffles its server list with <c>new Random(HostShuffleSeed)</c> before its first
/// connection (<c>StaticHostProvider</c>); this finds, for each wanted first server, a seed whose shuffle puts that
/// server first. The connections actually made are counted in the report, so a change in the client shows.
/// </summary>
internal static class ServerPinning
{
    /// <summary>A seed under which the client's shuffle of <paramref name="serverCount"/> servers starts with
    /// <paramref name="first"/>.</summary>
    public static int SeedFor(int serverCount, int first)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, serverCount);
        var order = new int[serverCount];
        for (int seed = 0; seed < 100_000; seed++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            new Random(seed).Shuffle(order);
            if (order[0] == first)
            {
                return seed;
            }
        }

        throw new InvalidOperationException($"no seed puts server {first} of {serverCount} first");
    }
}
