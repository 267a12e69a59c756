using System.Net;
using System.Net.Sockets;
using CoordAspire.Database;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Quorum;

internal static partial class Log
{
    // ---- quorum port (QuorumChannel) ----------------------------------------------------------------------------

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Listening for learners on {EndPoint} (myid {MyId})")]
    public static partial void ListeningForLearners(ILogger logger, IPEndPoint endPoint, long myId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Accepting a quorum connection failed ({Error})")]
    public static partial void AcceptFailed(ILogger logger, SocketError error, Exception exception);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Learner {Sid} connected from {RemoteEndPoint} ({Type})")]
    public static partial void LearnerConnected(ILogger logger, long sid, string? remoteEndPoint, string type);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Learner {Sid} connected again from {RemoteEndPoint}: its previous connection is replaced")]
    public static partial void LearnerReplaced(ILogger logger, long sid, string? remoteEndPoint);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Closing the quorum connection from {RemoteEndPoint}: the first packet must be FOLLOWERINFO or OBSERVERINFO ({Reason})")]
    public static partial void NotALearner(ILogger logger, string? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "Closing the quorum connection with server {Sid} ({RemoteEndPoint}): malformed packet: {Reason}")]
    public static partial void MalformedPacket(ILogger logger, long sid, string? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "Quorum connection with server {Sid} closed: {Reason}")]
    public static partial void QuorumConnectionClosed(ILogger logger, long sid, string reason);

    [LoggerMessage(EventId = 507, Level = LogLevel.Information, Message = "Connected to the leader, server {Sid}, at {RemoteEndPoint}")]
    public static partial void ConnectedToLeader(ILogger logger, long sid, string? remoteEndPoint);

    [LoggerMessage(EventId = 508, Level = LogLevel.Warning, Message = "Connecting to server {Sid} at {Address} failed (attempt {Attempt} of {Attempts}): {Reason}")]
    public static partial void ConnectToLeaderFailed(ILogger logger, long sid, string address, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 509, Level = LogLevel.Warning, Message = "Closing the quorum connection with server {Sid}: {Backlog} bytes are waiting to be sent to it")]
    public static partial void QuorumBacklogExceeded(ILogger logger, long sid, long backlog);

    [LoggerMessage(EventId = 510, Level = LogLevel.Debug, Message = "No quorum connection with server {Sid}: {Type} dropped")]
    public static partial void NoQuorumConnection(ILogger logger, long sid, string type);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Receiving a snapshot of zxid {Zxid} from server {Sid}")]
    public static partial void ReceivingSnapshot(ILogger logger, long sid, HexField zxid);

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "Received the snapshot of zxid {Zxid} from server {Sid}: {Bytes} bytes, {Nodes} nodes")]
    public static partial void ReceivedSnapshot(ILogger logger, long sid, HexField zxid, int bytes, int nodes);

    // ---- election port (ElectionChannel) ------------------------------------------------------------------------

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Listening for election connections on {EndPoint} (myid {MyId})")]
    public static partial void ListeningForElection(ILogger logger, IPEndPoint endPoint, long myId);

    [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "Closing the election connection from {RemoteEndPoint}: bad handshake: {Reason}")]
    public static partial void BadHandshake(ILogger logger, string? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 522, Level = LogLevel.Warning, Message = "Got an election connection from {RemoteEndPoint} with our own id {MyId}: a configuration error")]
    public static partial void ConnectionFromSelf(ILogger logger, string? remoteEndPoint, long myId);

    [LoggerMessage(EventId = 523, Level = LogLevel.Debug, Message = "Election connection with server {Sid} up ({How})")]
    public static partial void ElectionConnected(ILogger logger, long sid, string how);

    [LoggerMessage(EventId = 524, Level = LogLevel.Debug, Message = "Server {Sid} has the larger id: dropping our connection, it connects back")]
    public static partial void LostChallenge(ILogger logger, long sid);

    [LoggerMessage(EventId = 525, Level = LogLevel.Debug, Message = "Server {Sid} has the smaller id: closing its connection and connecting back")]
    public static partial void WonChallenge(ILogger logger, long sid);

    [LoggerMessage(EventId = 526, Level = LogLevel.Debug, Message = "Election connection with server {Sid} broken: {Reason}")]
    public static partial void ElectionConnectionBroken(ILogger logger, long sid, string reason);

    [LoggerMessage(EventId = 527, Level = LogLevel.Debug, Message = "Cannot open an election connection to server {Sid} at {Address}: {Reason}")]
    public static partial void ElectionConnectFailed(ILogger logger, long sid, string address, string reason);

    [LoggerMessage(EventId = 528, Level = LogLevel.Warning, Message = "Skipping a malformed election message of {Length} bytes from server {Sid}")]
    public static partial void MalformedNotification(ILogger logger, long sid, int length);

    [LoggerMessage(EventId = 529, Level = LogLevel.Warning, Message = "Closing the election connection with server {Sid}: message length {Length} is outside (0, {Max}]")]
    public static partial void BadNotificationLength(ILogger logger, long sid, int length, int max);

    [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "No address for server {Sid}: not in the configuration and it never told us one")]
    public static partial void UnknownElectionPeer(ILogger logger, long sid);

    [LoggerMessage(EventId = 531, Level = LogLevel.Debug, Message = "Server {Sid} connected to us: dialling it back now instead of waiting out the retry")]
    public static partial void ElectionRedialNow(ILogger logger, long sid);
}
