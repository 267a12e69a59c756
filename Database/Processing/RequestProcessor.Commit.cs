using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Database.Processing;

// Group commit (ZooKeeper's SyncRequestProcessor between Prep and Final). Prepared transactions wait here until
// the edge has written them to the transaction log and synced it; only then are they applied and answered. A
// reply therefore never leaves for a transaction that is not on disk, and one fsync covers every transaction
// prepared in a batch.
public sealed partial class RequestProcessor
{
    private readonly List<PreparedTxn> _toLog = [];
    private readonly Queue<PendingRequest> _pending = new();
    private readonly Dictionary<long, int> _pendingWritesBySession = [];

    /// <summary>
    /// The tree and sessions were loaded from disk: zxids continue from the last one restored, and the sessions
    /// restored expire unless their clients come back in time.
    /// </summary>
    public void Restored() => ResetStandalonePreparation();

    /// <summary>Nothing is pending: a standalone server's next zxid follows the tree's last one.</summary>
    private void ResetStandalonePreparation()
    {
        _preparer.Reset();
        _standaloneZxids.Reset(Tree.LastProcessedZxid);
        _preparer.Zxids = _standaloneZxids;
    }

    /// <summary>Transactions prepared and not yet committed.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Null while writes are accepted; otherwise why the server refuses them (its log failed).</summary>
    public string? WritesRefusedBecause { get; private set; }

    /// <summary>
    /// Hands the edge the transactions prepared since the last call, in zxid order, to append to the log. After
    /// they are durable the edge calls <see cref="CommitLogged"/>; if writing them failed, <see cref="LogFailed"/>.
    /// </summary>
    public IReadOnlyList<PreparedTxn> TakeTxnsToLog()
    {
        if (_toLog.Count == 0)
        {
            return [];
        }

        var batch = _toLog.ToArray();
        _toLog.Clear();
        return batch;
    }

    /// <summary>Applies and answers everything waiting, now that its transactions are durable.</summary>
    public void CommitLogged()
    {
        while (_pending.TryDequeue(out var pending))
        {
            if (pending.Txn is PreparedTxn txn)
            {
                ForgetPendingWrite(pending.Channel, txn.Header.ClientId);
                Complete(pending, txn);
            }
            else
            {
                ForgetPendingWrite(pending.Channel, pending.Channel!.SessionId);
                ProcessRead(pending.Channel!, pending.Header, pending.ReadBody);
            }
        }
    }

    /// <summary>
    /// The log could not take the transactions (disk full, I/O error). Nothing waiting is applied. Their clients
    /// cannot know whether the write reached the disk, so their connections are closed (they see ConnectionLoss,
    /// never a false success or a false failure), and from now on writes are refused with NOTREADONLY while reads
    /// go on: what was acknowledged stays served, and nothing unacknowledged is exposed.
    /// </summary>
    public void LogFailed(string reason)
    {
        WritesRefusedBecause = reason;
        Log.WritesStopped(_logger, reason);
        while (_pending.TryDequeue(out var pending))
        {
            if (pending.Channel is { } channel)
            {
                ConnectionClosed(channel);
                channel.Close("the transaction log failed: " + reason);
            }
        }

        _pendingWritesBySession.Clear();
        _toLog.Clear();
        ResetStandalonePreparation();
    }

    private void Enqueue(in PreparedTxn txn, TxnPurpose purpose, IClientChannel? channel, in RequestHeader header)
    {
        _toLog.Add(channel?.TraceParent is { } traceParent ? txn with { TraceParent = traceParent } : txn);
        _pending.Enqueue(new PendingRequest(txn, purpose, channel, header, null));
        if (channel is not null)
        {
            _pendingWritesBySession[channel.SessionId] = _pendingWritesBySession.GetValueOrDefault(channel.SessionId) + 1;
        }
    }

    /// <summary>A read must wait if its session has writes in flight: it must see them and be answered after them.</summary>
    private bool MustWait(IClientChannel channel) => _pendingWritesBySession.ContainsKey(channel.SessionId);

    /// <summary>
    /// A read behind its session's writes. It counts as the session's pending work until it is answered: on a leader
    /// the queue is released only up to the last committed transaction, so the writes before this read may be answered
    /// while it still waits behind another session's write, and a later read of the session must wait behind it too.
    /// A leader's sync also waits for <paramref name="confirmationRound"/> (see <see cref="LeadershipConfirmed"/>).
    /// </summary>
    private void EnqueueRead(IClientChannel channel, in RequestHeader header, ReadOnlySpan<byte> body, long confirmationRound = 0)
    {
        _pending.Enqueue(new PendingRequest(null, TxnPurpose.ClientWrite, channel, header, body.ToArray(), confirmationRound));
        _pendingWritesBySession[channel.SessionId] = _pendingWritesBySession.GetValueOrDefault(channel.SessionId) + 1;
    }

    private void ForgetPendingWrite(IClientChannel? channel, long sessionId)
    {
        if (channel is null)
        {
            return;
        }

        long key = channel.SessionId != 0 ? channel.SessionId : sessionId;
        if (_pendingWritesBySession.TryGetValue(key, out int count))
        {
            if (count <= 1)
            {
                _pendingWritesBySession.Remove(key);
            }
            else
            {
                _pendingWritesBySession[key] = count - 1;
            }
        }
    }

    private void Complete(in PendingRequest pending, in PreparedTxn txn)
    {
        var rc = Apply(txn);
        switch (pending.Purpose)
        {
            case TxnPurpose.ClientWrite:
                ReplyToWrite(pending.Channel!, pending.Header, txn, rc);
                break;
            case TxnPurpose.CreateSession:
                Log.SessionEstablished(_logger, txn.Header.ClientId, pending.Channel!.SessionTimeout, txn.Header.Zxid);
                FinishSessionInit(pending.Channel, valid: true);
                break;
            case TxnPurpose.CloseSession:
                Log.SessionClosed(_logger, txn.Header.ClientId, txn.Header.Zxid);
                Send(pending.Channel!, Reply(pending.Header.Xid));
                ConnectionClosed(pending.Channel!);
                pending.Channel!.Close("client closed its session");
                break;
            case TxnPurpose.ExpireSession:
                // The client learns of the expiry when it reconnects and is refused; its connection goes now.
                if (_channelsBySession.TryGetValue(txn.Header.ClientId, out var channel))
                {
                    ConnectionClosed(channel);
                    channel.Close("session expired");
                }

                break;
            case TxnPurpose.ServerDelete:
                if (txn.Header.Type != OpCode.Error && rc.Path is { } path)
                {
                    Log.NodeReaped(_logger, "container or TTL", path, txn.Header.Zxid);
                }

                break;
        }
    }
}
