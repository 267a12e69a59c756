using CoordAspire.Database.Sessions;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

// The connect handshake (ZooKeeperServer.processConnectRequest, createSession, reopenSession, finishSessionInit).
public sealed partial class RequestProcessor
{
    public void ProcessConnect(IClientChannel channel, in ConnectRequest request)
    {
        Statistics.PacketsReceived++;
        channel.SentReadOnlyFlag = request.HasReadOnlyField;
        if (Role == ProcessorRole.NotServing)
        {
            // ZooKeeperServer not running: the client tries another server.
            channel.Close("this server is not serving: it is electing a leader or synchronising");
            return;
        }

        if (Role == ProcessorRole.ReadOnly && !request.ReadOnly)
        {
            // A client that did not say it can be read-only must not be given a server that cannot write.
            Log.NotReadOnlyClientRefused(_logger, channel.RemoteAddress);
            channel.Close("refusing session request for not-read-only client");
            return;
        }

        // A client that has seen a newer state than ours must not read from us: it would go back in time.
        if (request.LastZxidSeen > Tree.LastProcessedZxid)
        {
            Log.ClientZxidAhead(_logger, request.SessionId, request.LastZxidSeen, Tree.LastProcessedZxid);
            channel.Close("client has seen a zxid ahead of this server");
            return;
        }

        int timeout = Math.Clamp(request.TimeOut, _settings.MinSessionTimeout, _settings.MaxSessionTimeout);
        channel.SessionTimeout = timeout;
        if (Role == ProcessorRole.ReadOnly)
        {
            ReadOnlyConnect(channel, request, timeout);
            return;
        }

        if (request.SessionId == 0)
        {
            if (_localSessions is not null)
            {
                CreateLocalSession(channel, timeout);
            }
            else if (Role == ProcessorRole.Learner)
            {
                LearnerCreateSession(channel, timeout);
            }
            else
            {
                CreateSession(channel, timeout);
            }

            return;
        }

        // A resumed session moves here: its previous connection, if still open, is closed.
        if (_channelsBySession.TryGetValue(request.SessionId, out var previous) && !ReferenceEquals(previous, channel))
        {
            ConnectionClosed(previous);
            previous.Close("session resumed on another connection");
        }

        channel.SessionId = request.SessionId;
        if (IsLocalSession(request.SessionId))
        {
            ResumeLocalSession(channel, request, timeout);
            return;
        }

        if (Role == ProcessorRole.Learner && SessionTracker.CheckPassword(request.SessionId, request.Passwd))
        {
            // The leader owns the sessions: it says whether this one is still alive (Learner.validateSession).
            LearnerRevalidate(channel, timeout);
            return;
        }

        bool valid = SessionTracker.CheckPassword(request.SessionId, request.Passwd)
            && Sessions.TouchSession(request.SessionId, Now.ElapsedMs, timeout);
        FinishSessionInit(channel, valid);
    }

    /// <summary>A new session is a createSession transaction: the client hears of it once that is durable.</summary>
    private void CreateSession(IClientChannel channel, int timeout)
    {
        if (WritesRefusedBecause is not null)
        {
            channel.Close("the server refuses writes, so it cannot create sessions: " + WritesRefusedBecause);
            return;
        }

        long sessionId = Sessions.NextSessionId();
        channel.SessionId = sessionId;
        var prepared = _preparer.PrepareCreateSession(sessionId, timeout, Now.WallMs);
        Sessions.TrackSession(sessionId, timeout, Now.ElapsedMs);
        Enqueue(prepared, TxnPurpose.CreateSession, channel, default);
    }

    private void FinishSessionInit(IClientChannel channel, bool valid)
    {
        var response = new ConnectResponse(
            0,
            valid ? channel.SessionTimeout : 0,
            valid ? channel.SessionId : 0,
            valid ? SessionTracker.GeneratePassword(channel.SessionId) : new byte[16],
            Role == ProcessorRole.ReadOnly,
            channel.SentReadOnlyFlag);
        Statistics.PacketsSent++;
        channel.SendConnectResponse(response);
        if (valid)
        {
            _channelsBySession[channel.SessionId] = channel;
        }
        else
        {
            Log.InvalidSession(_logger, channel.SessionId);
            channel.Close("invalid session, probably expired");
        }
    }
}
