namespace CoordAspire.Server.Replication;

// What mntr reads of a member besides its core's figures (on the loop, like everything of the member).
public sealed partial class EnsembleMember
{
    /// <summary>The member's proposal statistics (count, sizes) as the spans and metrics record them.</summary>
    public ZabTracing Tracing => _tracing;
}
