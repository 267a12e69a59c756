using System.Buffers;
using CoordAspire.Database.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tests;

/// <summary>
/// The processor's view of a connection, recording what it is sent in wire form. It stands where the network edge
/// stands in the server; the edge itself is tested with real sockets and real clients in the Node tests.
/// </summary>
internal sealed class RecordingChannel(string remoteAddress = "127.0.0.1") : IClientChannel
{
    public long SessionId { get; set; }

    public int SessionTimeout { get; set; }

    public List<Id> AuthInfo { get; } = [new("ip", remoteAddress)];

    public string RemoteAddress { get; } = remoteAddress;

    public bool SentReadOnlyFlag { get; set; }

    public string? TraceParent { get; set; }

    public ConnectResponse? Connected { get; private set; }

    public string? ClosedReason { get; private set; }

    /// <summary>Every reply frame (header + body bytes), in order.</summary>
    public List<(ReplyHeader Header, byte[] Body)> Replies { get; } = [];

    /// <summary>Watch events, in the order they were sent, interleaved with replies as in <see cref="Frames"/>.</summary>
    public List<WatcherEvent> Events { get; } = [];

    /// <summary>Everything sent, as text: "reply xid err" or "event type path"; shows the ordering of events and replies.</summary>
    public List<string> Frames { get; } = [];

    public void SendConnectResponse(in ConnectResponse response) => Connected = response;

    public void SendReply<T>(in ReplyHeader header, in T body) where T : struct, IJuteRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        body.Write(new JuteWriter(buffer));
        Record(header, buffer.WrittenSpan.ToArray());
    }

    public void SendReply(in ReplyHeader header) => Record(header, []);

    public void Close(string reason) => ClosedReason ??= reason;

    public void Process(in WatcherEvent watchedEvent, long zxid)
    {
        Events.Add(watchedEvent);
        Frames.Add($"event {watchedEvent.Type} {watchedEvent.Path}");
    }

    public (ReplyHeader Header, byte[] Body) Last => Replies[^1];

    private void Record(in ReplyHeader header, byte[] body)
    {
        Replies.Add((header, body));
        Frames.Add($"reply {header.Xid} {header.Err}");
    }
}
