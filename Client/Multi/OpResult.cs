using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

/// <summary>The result of one operation of a <c>multi</c> or <c>multiRead</c> (Java's <c>OpResult</c>).</summary>
public abstract record OpResult(OpCode Type);

/// <summary>A create succeeded: the created path (sequence suffix included, chroot removed), and its Stat when the
/// server sent one (create2, container and TTL creates).</summary>
public sealed record CreateResult(string Path, Stat? Stat) : OpResult(OpCode.Create);

public sealed record DeleteResult() : OpResult(OpCode.Delete);

public sealed record SetDataResult(Stat Stat) : OpResult(OpCode.SetData);

public sealed record CheckResult() : OpResult(OpCode.Check);

public sealed record GetDataResult(byte[] Data, Stat Stat) : OpResult(OpCode.GetData);

public sealed record GetChildrenResult(IReadOnlyList<string> Children) : OpResult(OpCode.GetChildren);

/// <summary>An operation that did not happen. In a failed transaction the operation that caused the failure
/// carries its code, the ones before it <see cref="ErrorCode.Ok"/> and the ones after it
/// <see cref="ErrorCode.RuntimeInconsistency"/> (all were rolled back).</summary>
public sealed record ErrorResult(ErrorCode Error) : OpResult(OpCode.Error);
