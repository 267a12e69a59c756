using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Processing;

/// <summary>Why a transaction was prepared, which says what to do once it is durable and applied.</summary>
internal enum TxnPurpose
{
    /// <summary>A client's write: reply to it.</summary>
    ClientWrite,

    /// <summary>A new session: send the connect response.</summary>
    CreateSession,

    /// <summary>A client's closeSession: reply, then close the connection.</summary>
    CloseSession,

    /// <summary>An expired session: close its connection, if any.</summary>
    ExpireSession,

    /// <summary>A container or TTL node the server removes on its own.</summary>
    ServerDelete,

    /// <summary>The leader prepared it for a learner's client: apply it; the learner answers.</summary>
    Forwarded,

    /// <summary>A local session made global ahead of its ephemeral create: apply it; the create answers.</summary>
    UpgradeSession,
}

/// <summary>
/// Something waiting for the transactions before it to become durable: a prepared transaction, or a read of a
/// session that has writes in flight (it must see them, and its reply must follow theirs). A leader's sync also
/// waits for <see cref="ConfirmationRound"/>: a quorum still following this leader after the sync arrived.
/// </summary>
internal readonly record struct PendingRequest(
    PreparedTxn? Txn,
    TxnPurpose Purpose,
    IClientChannel? Channel,
    RequestHeader Header,
    byte[]? ReadBody,
    long ConfirmationRound = 0);
