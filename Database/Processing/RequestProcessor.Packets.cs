using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

// Dispatch of packets after the handshake (ZooKeeperServer.processPacket, submitRequest).
public sealed partial class RequestProcessor
{
    /// <summary>
    /// Processes one request frame of an established connection. Throws <see cref="JuteException"/> when the
    /// request header itself does not parse: the edge closes that connection.
    /// </summary>
    public void ProcessPacket(IClientChannel channel, ReadOnlySpan<byte> packet)
    {
        Statistics.PacketsReceived++;
        if (Role == ProcessorRole.NotServing)
        {
            ConnectionClosed(channel);
            channel.Close("this server is not serving: it is electing a leader or synchronising");
            return;
        }

        var reader = new JuteReader(packet);
        var header = RequestHeader.Read(ref reader);
        var body = reader.RemainingSpan;

        if (header.Type == OpCode.Auth)
        {
            ProcessAuth(channel, header, body);
            return;
        }

        // Every request keeps the session alive; one for a session that is gone is dropped, as ZooKeeper does
        // (the connection is about to be closed by the expiry).
        if (!TouchClientSession(channel.SessionId))
        {
            return;
        }

        if (Role == ProcessorRole.ReadOnly)
        {
            if (IsRefusedWhenReadOnly(header.Type))
            {
                Send(channel, Reply(header.Xid, ErrorCode.NotReadOnly));
                return;
            }
        }

        if (Role == ProcessorRole.Learner)
        {
            if (!IsLocalSession(channel.SessionId))
            {
                _leader!.TouchSession(channel.SessionId, channel.SessionTimeout);
            }

            if (header.Type == OpCode.Sync)
            {
                // FollowerRequestProcessor: a sync goes to the leader so that this server catches up first.
                if (WritesRefusedBecause is null)
                {
                    LearnerForward(channel, header, body);
                    return;
                }
            }
        }

        switch (header.Type)
        {
            case OpCode.Create or OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer
                or OpCode.Delete or OpCode.DeleteContainer or OpCode.SetData or OpCode.SetAcl
                or OpCode.Reconfig or OpCode.Multi:
                ProcessWrite(channel, header, body);
                break;
            case OpCode.CloseSession:
                ProcessCloseSession(channel, header);
                break;
            case OpCode.Ping
                or OpCode.Sync or OpCode.Exists or OpCode.GetData or OpCode.GetAcl or OpCode.GetChildren
                or OpCode.GetChildren2 or OpCode.GetAllChildrenNumber or OpCode.SetWatches or OpCode.SetWatches2
                or OpCode.CheckWatches or OpCode.RemoveWatches or OpCode.GetEphemerals or OpCode.MultiRead
                or OpCode.AddWatch or OpCode.WhoAmI:
                if (header.Type == OpCode.Sync && Role == ProcessorRole.Leader && _leadership is not null)
                {
                    EnqueueConfirmedSync(channel, header, body);
                }
                else
                {
                    ProcessReadInOrder(channel, header, body);
                }

                break;
            default:
                // Not a request ZooKeeper accepts (check outside a multi, sasl, createSession, or no opcode at
                // all): UNIMPLEMENTED, then the connection is closed (UnimplementedRequestProcessor).
                Log.UnknownPacket(_logger, channel.SessionId, (int)header.Type);
                Send(channel, new ReplyHeader(header.Xid, -1, ErrorCode.Unimplemented));
                ConnectionClosed(channel);
                channel.Close("unimplemented request type");
                break;
        }
    }

    /// <summary>
    /// A request that changes nothing replicated (a read, or a local session's close) is answered after the
    /// session's writes in flight, so it waits behind them when there are any.
    /// </summary>
    private void ProcessReadInOrder(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body)
    {
        if (Role == ProcessorRole.Learner && LearnerMustWait(channel))
        {
            LearnerWaitRead(channel, header, body);
        }
        else if (MustWait(channel))
        {
            EnqueueRead(channel, header, body);
        }
        else
        {
            ProcessRead(channel, header, body);
        }
    }

    /// <summary>addauth: an identity is added to the connection, or AUTHFAILED is sent and the connection closed.</summary>
    private void ProcessAuth(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body)
    {
        string? identity = null;
        string scheme = "";
        try
        {
            var reader = new JuteReader(body);
            var auth = AuthPacket.Read(ref reader);
            scheme = auth.Scheme;
            identity = Acl.GetProvider(scheme)?.Authenticate(auth.Auth, channel.RemoteAddress);
        }
        catch (JuteException)
        {
            identity = null;
        }

        if (identity is not null)
        {
            var id = new Id(scheme, identity);
            if (!channel.AuthInfo.Contains(id))
            {
                channel.AuthInfo.Add(id);
            }

            Send(channel, new ReplyHeader(header.Xid, 0, ErrorCode.Ok));
            return;
        }

        Log.AuthFailed(_logger, channel.SessionId, scheme);
        Send(channel, new ReplyHeader(header.Xid, 0, ErrorCode.AuthFailed));
        ConnectionClosed(channel);
        channel.Close("authentication failed");
    }
}
