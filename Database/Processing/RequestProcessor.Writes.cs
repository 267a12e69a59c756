using CoordAspire.Database.Tree;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using CoordAspire.Protocol.Txn;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

// Writes: prepare, apply, reply (FinalRequestProcessor for transaction types).
public sealed partial class RequestProcessor
{
    /// <summary>Applies a prepared transaction to the tree; the single place where the tree changes.</summary>
    public ProcessTxnResult Apply(in PreparedTxn prepared)
    {
        var rc = Tree.ProcessTxn(prepared.Header, prepared.Record);
        _preparer.Applied(prepared.Header.Zxid);
        switch (prepared.Header.Type)
        {
            case OpCode.CloseSession:
                Sessions.RemoveSession(prepared.Header.ClientId);
                break;
            case OpCode.CreateSession when prepared.Record is CreateSessionTxn create:
                // Every member knows every session (ZKDatabase.sessionsWithTimeouts): whoever leads next expires it.
                Sessions.TrackSession(prepared.Header.ClientId, create.TimeOut, Now.ElapsedMs);
                GlobalSessionCommitted(prepared.Header.ClientId);
                break;
        }

        return rc;
    }

    private void ProcessWrite(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body)
    {
        if (WritesRefusedBecause is not null)
        {
            // A server whose log failed answers writes as a read-only ZooKeeper does.
            Send(channel, Reply(header.Xid, ErrorCode.NotReadOnly));
            return;
        }

        if (Role == ProcessorRole.Learner)
        {
            LearnerForward(channel, header, body);
            return;
        }

        // LeaderRequestProcessor → checkUpgradeSession. With upgrading off the session stays local, and the
        // preparer answers its ephemeral create EPHEMERALONLOCALSESSION.
        if (_settings.LocalSessionsUpgradingEnabled && NeedsGlobalSession(channel, header.Type, body))
        {
            UpgradeOnLeader(channel);
        }

        var prepared = _preparer.Prepare(channel.SessionId, header.Xid, header.Type, body, channel.AuthInfo, Now.WallMs);
        Enqueue(prepared, TxnPurpose.ClientWrite, channel, header);
    }

    private void ReplyToWrite(IClientChannel channel, in RequestHeader header, in PreparedTxn prepared, ProcessTxnResult rc)
    {
        if (prepared.Header.Type == OpCode.Error)
        {
            Log.WriteFailed(_logger, channel.SessionId, header.Xid, header.Type, prepared.Error, prepared.Header.Zxid);
            Send(channel, Reply(header.Xid, prepared.Error));
            return;
        }

        var reply = Reply(header.Xid, rc.Err);
        switch (header.Type)
        {
            case OpCode.Create:
                Send(channel, reply, new PathResponse(rc.Path!));
                break;
            case OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer:
                Send(channel, reply, new Create2Response(rc.Path!, rc.Stat ?? default));
                break;
            case OpCode.SetData or OpCode.SetAcl:
                Send(channel, reply, new StatResponse(rc.Stat ?? default));
                break;
            case OpCode.Multi:
                // A failed multi is not an error of the request: the reply header says OK and each result says
                // what happened to its operation (FinalRequestProcessor never copies rc.err for multi).
                Send(channel, Reply(header.Xid), new MultiResponse(rc.MultiResult ?? []));
                break;
            default:
                Send(channel, reply);
                break;
        }
    }

    private void ProcessCloseSession(IClientChannel channel, in RequestHeader header)
    {
        if (IsLocalSession(channel.SessionId))
        {
            ProcessLocalCloseSession(channel, header);
            return;
        }

        if (WritesRefusedBecause is not null)
        {
            Send(channel, Reply(header.Xid, ErrorCode.NotReadOnly));
            return;
        }

        if (Role == ProcessorRole.Learner)
        {
            LearnerForward(channel, header, default);
            return;
        }

        var prepared = _preparer.PrepareCloseSession(channel.SessionId, header.Xid, Now.WallMs);
        Enqueue(prepared, TxnPurpose.CloseSession, channel, header);
    }

    /// <summary>
    /// A multi's reply (<c>MultiResponse.serialize</c>): per result a header and its record; container and TTL
    /// creates report as create2, deleteContainer as delete, as ZooKeeper's OpResult types do.
    /// </summary>
    private readonly record struct MultiResponse(IReadOnlyList<ProcessTxnResult> Results) : IJuteRecord<MultiResponse>
    {
        public static MultiResponse Read(ref JuteReader reader) => throw new NotSupportedException("the server never reads a multi response");

        public void Write(in JuteWriter writer)
        {
            foreach (var result in Results)
            {
                switch (result.Type)
                {
                    case OpCode.Check:
                        new MultiHeader(OpCode.Check, false, ErrorCode.Ok).Write(writer);
                        break;
                    case OpCode.Create:
                        new MultiHeader(OpCode.Create, false, ErrorCode.Ok).Write(writer);
                        new PathResponse(result.Path ?? "").Write(writer);
                        break;
                    case OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer:
                        new MultiHeader(OpCode.Create2, false, ErrorCode.Ok).Write(writer);
                        new Create2Response(result.Path ?? "", result.Stat ?? default).Write(writer);
                        break;
                    case OpCode.Delete or OpCode.DeleteContainer:
                        new MultiHeader(OpCode.Delete, false, ErrorCode.Ok).Write(writer);
                        break;
                    case OpCode.SetData:
                        new MultiHeader(OpCode.SetData, false, ErrorCode.Ok).Write(writer);
                        new StatResponse(result.Stat ?? default).Write(writer);
                        break;
                    default:
                        new MultiHeader(OpCode.Error, false, result.Err).Write(writer);
                        new IntResponse((int)result.Err).Write(writer);
                        break;
                }
            }

            MultiHeader.End.Write(writer);
        }
    }
}
