using CoordAspire.Node.Tests.Harness;

namespace CoordAspire.FaultInjection.Tests;

/// <summary>The all-Apache baseline: a minute of a JVM ensemble under faults, run on request
/// (<c>COORD_FAULT_APACHE=1</c>) and reported as skipped otherwise.</summary>
public sealed class ApacheBaselineFactAttribute : FactAttribute
{
    public ApacheBaselineFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COORD_FAULT_APACHE") != "1")
        {
            Skip = "the Apache baseline runs with COORD_FAULT_APACHE=1";
        }
        else if (ZooKeeperAvailability.SkipRequested)
        {
            Skip = $"{ZooKeeperAvailability.SkipVariable}=1";
        }
    }
}
