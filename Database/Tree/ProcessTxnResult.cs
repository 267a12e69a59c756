using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Database.Tree;

/// <summary>What applying one transaction did (<c>DataTree.ProcessTxnResult</c>): enough to build the reply.</summary>
public sealed class ProcessTxnResult
{
    public long ClientId { get; init; }

    public int Cxid { get; init; }

    public long Zxid { get; init; }

    /// <summary>The transaction type; a multi's sub-result that failed reads <see cref="OpCode.Error"/>.</summary>
    public OpCode Type { get; init; }

    public ErrorCode Err { get; set; }

    public string? Path { get; set; }

    public Stat? Stat { get; set; }

    public List<ProcessTxnResult>? MultiResult { get; set; }
}
