namespace CoordAspire.FaultInjection.Tests.Faults;

/// <summary>The faults the nemesis injects, one member at a time.</summary>
[Flags]
public enum FaultKind
{
    None = 0,

    /// <summary>SIGKILL, then a restart on the same dataDir: a crash or a power cut.</summary>
    Kill = 1,

    /// <summary>SIGSTOP, then SIGCONT: a long GC pause, a VM migration, a swapped-out process.</summary>
    Pause = 2,

    /// <summary>The member's quorum and election links cut both ways (iptables), then restored.</summary>
    Partition = 4,

    All = Kill | Pause | Partition,

    /// <summary>A rolling migration's step: SIGTERM, then the other implementation started on the same zoo.cfg and
    /// dataDir (<see cref="RollingMigration"/>). Never picked by the nemesis.</summary>
    Replace = 8,
}
