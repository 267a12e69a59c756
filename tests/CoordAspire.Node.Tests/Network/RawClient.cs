using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Node.Tests.Network;

/// <summary>Writes a record's fields by hand.</summary>
internal delegate void BodyWriter(in JuteWriter writer);

/// <summary>
/// A client that speaks the wire protocol byte by byte, with no ZooKeeper client library in between: requests are
/// encoded here by hand with <see cref="JuteWriter"/>, so that a test sees exactly what the server accepts and sends.
/// Every read gives up after <see cref="Timeout"/>.
/// </summary>
internal sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly Queue<(ReplyHeader Header, WatcherEvent Event)> _notifications = new();
    private int _nextXid = 1;

    private RawClient(Socket socket) => _socket = socket;

    public long SessionId { get; private set; }

    public byte[] Password { get; private set; } = [];

    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(endPoint, timeout.Token);
            return new RawClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    /// <summary>Half-closes: the server sees the end of the stream, and may still answer.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Frames a body: its 4-byte big-endian length, then the body.</summary>
    public static byte[] Frame(BodyWriter body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new JuteWriter(buffer);
        writer.WriteInt(0);
        body(writer);
        var frame = buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        return frame;
    }

    /// <summary>A ConnectRequest, field by field; the readOnly byte only when <paramref name="withReadOnlyFlag"/>.</summary>
    public static byte[] ConnectFrame(bool withReadOnlyFlag, long sessionId = 0, byte[]? password = null, int timeout = 30000, long lastZxidSeen = 0) =>
        Frame((in JuteWriter w) =>
        {
            w.WriteInt(0); // protocolVersion
            w.WriteLong(lastZxidSeen);
            w.WriteInt(timeout);
            w.WriteLong(sessionId);
            w.WriteBuffer(password ?? new byte[16]);
            if (withReadOnlyFlag)
            {
                w.WriteBool(false);
            }
        });

    /// <summary>Connects a session; returns the response and the length its frame announced.</summary>
    public async Task<(ConnectResponse Response, int FrameLength)> HandshakeAsync(bool withReadOnlyFlag = true, long sessionId = 0, byte[]? password = null, int timeout = 30000)
    {
        await SendAsync(ConnectFrame(withReadOnlyFlag, sessionId, password, timeout));
        var frame = await ReadFrameAsync();
        var response = Parse(frame, static (ref JuteReader r) => ConnectResponse.Read(ref r));
        SessionId = response.SessionId;
        Password = response.Passwd;
        return (response, frame.Length);
    }

    /// <summary>Sends a request and returns its reply, keeping any notification that arrives first for <see cref="NextNotificationAsync"/>.</summary>
    public async Task<(ReplyHeader Header, byte[] Body)> RequestAsync(OpCode op, BodyWriter? body = null, int? xid = null)
    {
        int requestXid = xid ?? _nextXid++;
        await SendAsync(Frame((in JuteWriter w) =>
        {
            w.WriteInt(requestXid);
            w.WriteInt((int)op);
            body?.Invoke(w);
        }));
        while (true)
        {
            var (header, rest) = await ReadReplyAsync();
            if (header.Xid == Xid.Notification)
            {
                _notifications.Enqueue((header, Parse(rest, static (ref JuteReader r) => WatcherEvent.Read(ref r))));
                continue;
            }

            Assert.Equal(requestXid, header.Xid);
            return (header, rest);
        }
    }

    /// <summary>Creates <paramref name="path"/> (ephemeral if asked) open to everyone (world:anyone, all
    /// permissions), and asserts that the server created it.</summary>
    public async Task CreateAsync(string path, string data = "", bool ephemeral = false)
    {
        var (header, _) = await RequestAsync(OpCode.Create, (in JuteWriter w) =>
        {
            w.WriteString(path);
            w.WriteBuffer(System.Text.Encoding.UTF8.GetBytes(data));
            w.WriteInt(1);
            w.WriteInt((int)Perms.All);
            w.WriteString("world");
            w.WriteString("anyone");
            w.WriteInt(ephemeral ? 1 : 0);
        });
        Assert.Equal(ErrorCode.Ok, header.Err);
    }

    public async Task<(ReplyHeader Header, WatcherEvent Event)> NextNotificationAsync()
    {
        if (_notifications.TryDequeue(out var queued))
        {
            return queued;
        }

        var (header, rest) = await ReadReplyAsync();
        Assert.Equal(Xid.Notification, header.Xid);
        return (header, Parse(rest, static (ref JuteReader r) => WatcherEvent.Read(ref r)));
    }

    public async Task<(ReplyHeader Header, byte[] Body)> ReadReplyAsync()
    {
        var frame = await ReadFrameAsync();
        var reader = new JuteReader(frame);
        var header = ReplyHeader.Read(ref reader);
        return (header, frame[ReplyHeader.SerializedSize..]);
    }

    /// <summary>Reads one frame's payload; fails if the server closes first.</summary>
    public async Task<byte[]> ReadFrameAsync()
    {
        var prefix = new byte[4];
        await ReadExactlyAsync(prefix);
        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        Assert.InRange(length, 0, Framing.DefaultMaxBuffer);
        var payload = new byte[length];
        await ReadExactlyAsync(payload);
        return payload;
    }

    /// <summary>
    /// Reads until the server closes the connection (end of stream or reset) and returns what it sent; throws
    /// <see cref="TimeoutException"/> if it is still open after <see cref="Timeout"/>.
    /// </summary>
    public async Task<byte[]> ReadUntilClosedAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return received.ToArray();
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return received.ToArray();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the server did not close the connection within {Timeout}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public delegate T RecordReader<T>(ref JuteReader reader);

    public static T Parse<T>(byte[] bytes, RecordReader<T> read)
    {
        var reader = new JuteReader(bytes);
        return read(ref reader);
    }

    private async Task ReadExactlyAsync(Memory<byte> buffer)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await _socket.ReceiveAsync(buffer[total..], SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new EndOfStreamException($"the server closed the connection after {total} of {buffer.Length} bytes");
            }

            total += read;
        }
    }
}
