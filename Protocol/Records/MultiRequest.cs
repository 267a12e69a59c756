using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Records;

/// <summary>One operation of a multi or multiRead request: its type and its request record's bytes.</summary>
public readonly record struct MultiOp(OpCode Type, ReadOnlyMemory<byte> Body);

/// <summary>
/// The body of multi (14) and multiRead (22) requests (<c>MultiOperationRecord</c>): a MultiHeader before each
/// operation's request record, ended by a header with <c>done</c> set. Operations carry no length, so each record
/// is parsed to find where the next begins.
/// </summary>
public static class MultiRequest
{
    public static List<MultiOp> Read(ReadOnlySpan<byte> body)
    {
        var reader = new JuteReader(body);
        var ops = new List<MultiOp>();
        bool? isRead = null;
        var header = MultiHeader.Read(ref reader);
        while (!header.Done)
        {
            int start = reader.Position;
            bool opIsRead = SkipRecord(header.Type, ref reader);
            if (isRead is bool kind && kind != opIsRead)
            {
                throw new JuteException("Mixing different kind of ops");
            }

            isRead = opIsRead;
            ops.Add(new MultiOp(header.Type, body[start..reader.Position].ToArray()));
            header = MultiHeader.Read(ref reader);
        }

        return ops;
    }

    public static void Write(in JuteWriter writer, IEnumerable<MultiOp> ops)
    {
        foreach (var op in ops)
        {
            new MultiHeader(op.Type, false, (ErrorCode)(-1)).Write(writer);
            writer.WriteRaw(op.Body.Span);
        }

        MultiHeader.End.Write(writer);
    }

    /// <summary>Reads past one operation's record; returns whether it is a read operation.</summary>
    private static bool SkipRecord(OpCode type, ref JuteReader reader)
    {
        switch (type)
        {
            case OpCode.Create or OpCode.Create2 or OpCode.CreateContainer:
                CreateRequest.Read(ref reader);
                return false;
            case OpCode.CreateTtl:
                CreateTtlRequest.Read(ref reader);
                return false;
            case OpCode.Delete:
                DeleteRequest.Read(ref reader);
                return false;
            case OpCode.SetData:
                SetDataRequest.Read(ref reader);
                return false;
            case OpCode.Check:
                CheckVersionRequest.Read(ref reader);
                return false;
            case OpCode.GetChildren or OpCode.GetData:
                PathWatchRequest.Read(ref reader);
                return true;
            default:
                throw new JuteException("Invalid type of op");
        }
    }
}
