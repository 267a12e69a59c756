using System.Text;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Protocol;

/// <summary>
/// How a CoordAspire client hands its request span's W3C <c>traceparent</c> to a CoordAspire server, so that a write's
/// trace runs from the caller through the server to the proposal on the leader — without ever sending ZooKeeper
/// anything it does not understand.
/// <para>
/// Negotiated at connect: the client appends <see cref="Offer"/> (a jute string) after the ConnectRequest's readOnly
/// flag. ZooKeeper reads the readOnly flag and ignores what follows (ZooKeeperServer.processConnectRequest), so a
/// ZooKeeper server never accepts; a CoordAspire server accepts by appending the same string after its
/// ConnectResponse, which ZooKeeper clients (should one ever send the offer) would likewise ignore.
/// </para>
/// <para>
/// Once accepted, before a request it traces the client may send one frame: a RequestHeader with
/// <see cref="Xid"/> and opcode 0, then the traceparent as a jute string. It gets no reply; the server takes it as the
/// parent of the next request on the connection.
/// </para>
/// </summary>
public static class TraceContextExtension
{
    public const string Offer = "coordaspire.traceparent/1";

    /// <summary>A reserved xid no ZooKeeper client uses (theirs: -1 notification, -2 ping, -4 auth, -8 setWatches).</summary>
    public const int Xid = -0x4341;

    /// <summary>A W3C traceparent is 55 characters; anything much longer is not one.</summary>
    public const int MaxTraceParentLength = 128;

    public static void WriteOffer(in JuteWriter writer) => writer.WriteString(Offer);

    /// <summary>After a ConnectRequest or ConnectResponse: whether the rest of the frame is the offer.</summary>
    public static bool ReadOffer(ref JuteReader reader)
    {
        if (reader.Remaining < 4 + Offer.Length)
        {
            return false;
        }

        try
        {
            return reader.ReadString() == Offer;
        }
        catch (JuteException)
        {
            return false;
        }
    }

    /// <summary>The trace-context frame's payload (header and traceparent), without the length prefix.</summary>
    public static void WriteTraceFrame(in JuteWriter writer, string traceParent)
    {
        new RequestHeader(Xid, OpCode.Notification).Write(writer);
        writer.WriteString(traceParent);
    }

    /// <summary>Reads the traceparent of a trace-context frame's payload (whose xid the caller has checked).</summary>
    public static string ReadTraceParent(ReadOnlySpan<byte> payload)
    {
        var reader = new JuteReader(payload);
        RequestHeader.Read(ref reader);
        var traceParent = reader.ReadString();
        if (traceParent is null || traceParent.Length > MaxTraceParentLength || !Ascii.IsValid(traceParent))
        {
            throw new JuteException("a trace-context frame must carry a traceparent");
        }

        return traceParent;
    }

    /// <summary>A ConnectResponse followed by the acceptance of the offer.</summary>
    public readonly record struct AcceptingConnectResponse(ConnectResponse Response) : IJuteRecord<AcceptingConnectResponse>
    {
        public static AcceptingConnectResponse Read(ref JuteReader reader) => new(ConnectResponse.Read(ref reader));

        public void Write(in JuteWriter writer)
        {
            Response.Write(writer);
            WriteOffer(writer);
        }
    }
}
