using CoordAspire.Protocol;
using CoordAspire.Protocol.Records;
using CsCheck;

namespace CoordAspire.Database.Tests;

/// <summary>
/// Random sequences of creates, deletes and setData against the processor and against a model of ZooKeeper's
/// rules small enough to be obviously right: every reply code, version and child count must agree.
/// </summary>
public class ModelPropertyTests
{
    private static readonly string[] Paths = ["/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/deep"];

    private sealed record ModelNode(int Version, bool Ephemeral);

    private abstract record Step;

    private sealed record CreateStep(string Path, bool Ephemeral) : Step;

    private sealed record DeleteStep(string Path, int Version) : Step;

    private sealed record SetStep(string Path, int Version) : Step;

    private static readonly Gen<Step> GenStep = Gen.OneOf<Step>(
        Gen.Select(Gen.Int[0, Paths.Length - 1].Select(i => Paths[i]), Gen.Bool, (p, e) => (Step)new CreateStep(p, e)),
        Gen.Select(Gen.Int[0, Paths.Length - 1].Select(i => Paths[i]), Gen.Int[-1, 2], (p, v) => (Step)new DeleteStep(p, v)),
        Gen.Select(Gen.Int[0, Paths.Length - 1].Select(i => Paths[i]), Gen.Int[-1, 2], (p, v) => (Step)new SetStep(p, v)));

    [Fact]
    public void Processor_agrees_with_the_model() =>
        GenStep.Array[1, 60].Sample(steps =>
        {
            var harness = new ProcessorHarness();
            var c = harness.Connect();
            var model = new Dictionary<string, ModelNode>(StringComparer.Ordinal);
            foreach (var step in steps)
            {
                ErrorCode expected, actual;
                switch (step)
                {
                    case CreateStep s:
                        string parent = ZnodePath.Parent(s.Path);
                        expected = parent != "/" && !model.ContainsKey(parent) ? ErrorCode.NoNode
                            : model.ContainsKey(s.Path) ? ErrorCode.NodeExists
                            : parent != "/" && model[parent].Ephemeral ? ErrorCode.NoChildrenForEphemerals
                            : ErrorCode.Ok;
                        actual = harness.Create(c, s.Path, mode: s.Ephemeral ? CreateMode.Ephemeral : CreateMode.Persistent);
                        if (expected == ErrorCode.Ok)
                        {
                            model[s.Path] = new ModelNode(0, s.Ephemeral);
                        }

                        break;
                    case DeleteStep s:
                        expected = !model.TryGetValue(s.Path, out var node) ? ErrorCode.NoNode
                            : s.Version != -1 && s.Version != node.Version ? ErrorCode.BadVersion
                            : model.Keys.Any(k => ZnodePath.Parent(k) == s.Path) ? ErrorCode.NotEmpty
                            : ErrorCode.Ok;
                        actual = harness.Send(c, OpCode.Delete, new DeleteRequest(s.Path, s.Version)).Header.Err;
                        if (expected == ErrorCode.Ok)
                        {
                            model.Remove(s.Path);
                        }

                        break;
                    case SetStep s:
                        expected = !model.TryGetValue(s.Path, out var target) ? ErrorCode.NoNode
                            : s.Version != -1 && s.Version != target.Version ? ErrorCode.BadVersion
                            : ErrorCode.Ok;
                        actual = harness.Send(c, OpCode.SetData, new SetDataRequest(s.Path, [1], s.Version)).Header.Err;
                        if (expected == ErrorCode.Ok)
                        {
                            model[s.Path] = target! with { Version = target.Version + 1 };
                        }

                        break;
                    default:
                        throw new InvalidOperationException();
                }

                if (expected != actual)
                {
                    return false;
                }
            }

            var tree = harness.Processor.Tree;
            return model.All(kv => tree.GetNode(kv.Key) is { } n
                    && n.Version == kv.Value.Version
                    && n.ChildCount == model.Keys.Count(k => ZnodePath.Parent(k) == kv.Key))
                && tree.NodeCount == model.Count + 4;
        }, iter: 300);
}
