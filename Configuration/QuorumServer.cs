namespace CoordAspire.Configuration;

/// <summary>
/// One <c>server.N</c> line of the ensemble, as ZooKeeper's <c>QuorumPeer.QuorumServer</c>:
/// <c>server.N=host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]</c>.
/// </summary>
/// <param name="Id">The server id N, which the member itself finds in <c>dataDir/myid</c>.</param>
/// <param name="Hostname">Host of the quorum and election ports.</param>
/// <param name="QuorumPort">Port on which followers and observers connect to the leader.</param>
/// <param name="ElectionPort">Port on which the servers talk to each other during leader election.</param>
/// <param name="Type">Participant (votes) or observer (does not).</param>
/// <param name="ClientAddress">
/// The client address given after ';' (a bare port means <see cref="HostPort.AnyAddress"/>), or null when the
/// line has none and the member uses the <c>clientPort</c>/<c>clientPortAddress</c> of its own static file.
/// </param>
public sealed record QuorumServer(long Id, string Hostname, int QuorumPort, int ElectionPort, LearnerType Type, HostPort? ClientAddress)
{
    /// <summary>Where the leader listens for learners (ZooKeeper's <c>addr</c>).</summary>
    public HostPort QuorumAddress => new(Hostname, QuorumPort);

    /// <summary>Where this server listens for election notifications (ZooKeeper's <c>electionAddr</c>).</summary>
    public HostPort ElectionAddress => new(Hostname, ElectionPort);

    /// <summary>
    /// The value of the line as ZooKeeper writes it back (<c>QuorumServer.toString</c>), e.g. in the
    /// dynamic configuration file and in reconfig replies: <c>host:2888:3888:participant;0.0.0.0:2181</c>.
    /// </summary>
    public override string ToString()
    {
        var type = Type == LearnerType.Observer ? "observer" : "participant";
        var text = $"{new HostPort(Hostname, QuorumPort)}:{ElectionPort}:{type}";
        return ClientAddress is { } client ? $"{text};{client}" : text;
    }
}
