using System.Buffers;
using CoordAspire.Protocol.Jute;

namespace CoordAspire.Protocol.Tests;

public class FramingAndPathTests
{
    [Fact]
    public void Frames_are_sliced_one_at_a_time_and_partial_frames_wait()
    {
        var bytes = Convert.FromHexString("00000002aabb00000001cc000000");
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(Framing.TryReadFrame(ref buffer, Framing.DefaultMaxBuffer, out var first));
        Assert.Equal([0xaa, 0xbb], first.ToArray());
        Assert.True(Framing.TryReadFrame(ref buffer, Framing.DefaultMaxBuffer, out var second));
        Assert.Equal([0xcc], second.ToArray());
        Assert.False(Framing.TryReadFrame(ref buffer, Framing.DefaultMaxBuffer, out _));
        Assert.Equal(3, buffer.Length);
    }

    [Theory]
    [InlineData("ffffffff")]
    [InlineData("00100000")] // 1 MiB: one more than jute.maxbuffer
    public void Frame_lengths_outside_jute_maxbuffer_are_malformed(string prefix)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(prefix));
        Assert.Throws<JuteException>(() => Framing.TryReadFrame(ref buffer, Framing.DefaultMaxBuffer, out _));
    }

    [Theory]
    [InlineData("/", null)]
    [InlineData("/a/b", null)]
    [InlineData("/a.b/..c", null)]
    [InlineData("", "Path length must be > 0")]
    [InlineData("a", "Path must start with / character")]
    [InlineData("/a/", "Path must not end with / character")]
    [InlineData("/a//b", "empty node name specified @3")]
    [InlineData("/a/./b", "relative paths not allowed @3")]
    [InlineData("/a/../b", "relative paths not allowed @4")]
    [InlineData("/a\0b", "null character not allowed @2")]
    [InlineData("/a\u0001", "invalid character @2")]
    [InlineData("/\ud83d\ude00", "invalid character @1")]
    public void Paths_are_validated_as_PathUtils_does(string path, string? reasonFragment)
    {
        var reason = ZnodePath.Validate(path);
        if (reasonFragment is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.NotNull(reason);
            Assert.Contains(reasonFragment, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Sequential_paths_may_end_with_a_slash()
    {
        Assert.Null(ZnodePath.Validate("/q/", isSequential: true));
        Assert.NotNull(ZnodePath.Validate("/q/", isSequential: false));
    }

    [Theory]
    [InlineData("/a", "/")]
    [InlineData("/a/b", "/a")]
    [InlineData("/", "")]
    public void Parent_of_a_path(string path, string parent) => Assert.Equal(parent, ZnodePath.Parent(path));

    [Theory]
    [InlineData(OpCode.Create, 1)]
    [InlineData(OpCode.Multi, 14)]
    [InlineData(OpCode.MultiRead, 22)]
    [InlineData(OpCode.SetWatches2, 105)]
    [InlineData(OpCode.WhoAmI, 107)]
    [InlineData(OpCode.CloseSession, -11)]
    [InlineData(OpCode.Error, -1)]
    public void Persisted_opcodes_never_change(OpCode code, int value) => Assert.Equal(value, (int)code);

    [Theory]
    [InlineData(ErrorCode.NoNode, -101)]
    [InlineData(ErrorCode.NodeExists, -110)]
    [InlineData(ErrorCode.RuntimeInconsistency, -2)]
    [InlineData(ErrorCode.NoWatcher, -121)]
    [InlineData(ErrorCode.ReconfigDisabled, -123)]
    [InlineData(ErrorCode.ThrottledOp, -127)]
    public void Persisted_error_codes_never_change(ErrorCode code, int value) => Assert.Equal(value, (int)code);
}
