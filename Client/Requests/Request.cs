using System.Diagnostics;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Buffers;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

internal enum RequestKind : byte
{
    /// <summary>Numbered by the writer, answered in order: matched against the head of the pending queue.</summary>
    Normal,

    /// <summary>xid -4: the server answers auth packets as soon as it reads them, ahead of queued requests,
    /// so they are matched against their own queue.</summary>
    Auth,

    /// <summary>xid -2: nobody waits for the answer.</summary>
    Ping,
}

/// <summary>
/// One request on its way through the pipeline: serialized by the caller into <see cref="Frame"/>, numbered and
/// sent by the connection's writer, matched with its reply by the reader, completed on the event dispatcher when
/// watch events are ahead of it (so a watch fires before the caller sees a later result, as ZooKeeper promises).
/// </summary>
/// <remarks>
/// Requests are pooled. Two parties hold one: the caller (until it takes the result from the ValueTask) and the
/// pipeline (until the reply is read, the connection fails, or the writer drops a cancelled request). The last to
/// let go returns it to the pool. Completion happens exactly once: whoever flips <see cref="_completed"/> first
/// (reply, connection loss, cancellation) decides the outcome.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Requests live in a pool for the life of the process; Frame.Clear gives a grown array back.")]
internal abstract class Request
{
    /// <summary>[length][xid][opcode][body]: the writer patches length and xid.</summary>
    public readonly PooledBufferWriter Frame = new(initialSize: 256, retainLimit: 64 * 1024);

    private int _completed;
    private int _references;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _cancellation;

    public ZooKeeperClient Client = null!;
    public OpCode OpCode;
    public RequestKind Kind;
    public int Xid;

    /// <summary>The path as the caller gave it: for exceptions, watch (de)registration and telemetry.</summary>
    public string? Path;

    public WatchKind WatchKind;
    public Action<WatchedEvent>? Watcher;
    public WatchDeregistration? Deregistration;

    /// <summary>exists: NoNode is an answer (null), not an error.</summary>
    public bool NoNodeIsNull;

    /// <summary>multi: a failed transaction still carries per-operation results to read.</summary>
    public bool ParseErrorReplies;

    /// <summary>What the reply reader needs besides the frame (multi: the operations' paths).</summary>
    public object? State;

    public Activity? Activity;
    public long StartTimestamp;

    /// <summary>The failure to report, decided before completion; null for success.</summary>
    protected Exception? Error;

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Prepares a freshly rented request and writes the frame's header placeholders and opcode.</summary>
    public void Begin(ZooKeeperClient client, OpCode opCode, string? path, RequestKind kind = RequestKind.Normal)
    {
        Client = client;
        OpCode = opCode;
        Path = path;
        Kind = kind;
        _completed = 0;
        _references = 2;
        Frame.ReserveInt32();
        Frame.ReserveInt32();
        new JuteWriter(Frame).WriteInt((int)opCode);
        StartTimestamp = Stopwatch.GetTimestamp();
        Activity = ClientTelemetry.StartActivity(opCode, path);
        ClientTelemetry.RequestStarted();
    }

    /// <summary>Cancelling abandons the wait, not the request: if it was sent, the server still applies it.</summary>
    public void AttachCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        _cancellationToken = cancellationToken;
        _cancellation = cancellationToken.UnsafeRegister(static state => ((Request)state!).Cancel(), this);
    }

    /// <summary>Reader: the reply to this request. Registers or removes watches as ZooKeeper's client does
    /// (only for a successful request; exists also on NoNode), before anything read later is processed.</summary>
    public void OnReply(in ReplyHeader header, ref JuteReader reader)
    {
        if (IsCompleted)
        {
            ReleasePipeline();
            return;
        }

        var err = header.Err;
        if (Deregistration is { } deregistration)
        {
            err = Client.Watches.Deregister(deregistration, err, Client.Dispatcher);
        }

        if (Watcher is { } watcher)
        {
            Client.Watches.Register(WatchKind, Path!, watcher, err);
        }

        try
        {
            StoreOutcome(err, ref reader);
        }
        catch (JuteException e)
        {
            Error = new KeeperException(ErrorCode.MarshallingError, Path, $"malformed {OpCode} reply: {e.Message}", e);
        }
        catch (KeeperException e)
        {
            Error = e;
        }

        Client.Dispatcher.Complete(this);
    }

    /// <summary>The connection went away before the reply came. A local watch removal still succeeds (Java's
    /// <c>WatchDeregistration</c> with <c>local</c>).</summary>
    public void OnConnectionLost(ErrorCode code)
    {
        if (IsCompleted)
        {
            ReleasePipeline();
            return;
        }

        var err = code;
        if (Deregistration is { } deregistration)
        {
            err = Client.Watches.Deregister(deregistration, err, Client.Dispatcher);
        }

        Error = err == ErrorCode.Ok ? null : KeeperException.Create(err, Path);
        Client.Dispatcher.Complete(this);
    }

    /// <summary>Completes with the stored outcome and lets go of the pipeline's hold.</summary>
    public void Finish()
    {
        if (TryMarkCompleted(Error))
        {
            if (Error is { } error)
            {
                SetCoreException(error);
            }
            else
            {
                SetCoreResult();
            }
        }

        ReleasePipeline();
    }

    /// <summary>Fails a request that will never be sent (rejected at submission, or drained from the queue).</summary>
    public void FailNow(Exception error)
    {
        if (TryMarkCompleted(error))
        {
            SetCoreException(error);
        }

        ReleasePipeline();
    }

    public void ReleasePipeline() => Release();

    protected void ReleaseCaller() => Release();

    protected abstract void StoreOutcome(ErrorCode err, ref JuteReader reader);

    protected abstract void SetCoreResult();

    protected abstract void SetCoreException(Exception error);

    protected abstract void ReturnToPool();

    protected void ResetFields()
    {
        _cancellation.Dispose();
        _cancellation = default;
        _cancellationToken = default;
        Frame.Clear();
        Client = null!;
        Path = null;
        Xid = 0;
        WatchKind = WatchKind.None;
        Watcher = null;
        Deregistration = null;
        NoNodeIsNull = false;
        ParseErrorReplies = false;
        State = null;
        Activity = null;
        Error = null;
    }

    private void Cancel()
    {
        var error = new OperationCanceledException(_cancellationToken);
        if (TryMarkCompleted(error))
        {
            SetCoreException(error);
        }
    }

    private bool TryMarkCompleted(Exception? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        ClientTelemetry.RequestCompleted(this, error);
        return true;
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            ReturnToPool();
        }
    }
}
