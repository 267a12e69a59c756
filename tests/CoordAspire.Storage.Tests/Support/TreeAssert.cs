using System.Text;
using CoordAspire.Database.Tree;

namespace CoordAspire.Storage.Tests.Support;

/// <summary>Compares two trees node by node: data (null is not empty), ACL, the stored stat, children and indexes.</summary>
public static class TreeAssert
{
    public static void Equal(DataTree expected, DataTree actual, bool compareLastZxid = true)
    {
        var differences = Differences(expected, actual);
        if (compareLastZxid && expected.LastProcessedZxid != actual.LastProcessedZxid)
        {
            differences.Add($"LastProcessedZxid {expected.LastProcessedZxid:x} != {actual.LastProcessedZxid:x}");
        }

        Assert.True(differences.Count == 0, "trees differ:\n" + string.Join('\n', differences.Take(40)));
    }

    public static List<string> Differences(DataTree expected, DataTree actual)
    {
        var diffs = new List<string>();
        var expectedPaths = expected.AllNodes.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var actualPaths = actual.AllNodes.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in expectedPaths.Except(actualPaths).Order(StringComparer.Ordinal))
        {
            diffs.Add($"missing {missing}");
        }

        foreach (var extra in actualPaths.Except(expectedPaths).Order(StringComparer.Ordinal))
        {
            diffs.Add($"unexpected {extra}");
        }

        foreach (var path in expectedPaths.Intersect(actualPaths).Order(StringComparer.Ordinal))
        {
            var e = expected.GetNode(path)!;
            var a = actual.GetNode(path)!;
            if (e.ToStatPersisted() != a.ToStatPersisted())
            {
                diffs.Add($"{path}: stat {e.ToStatPersisted()} != {a.ToStatPersisted()}");
            }

            if (e.Data is null != a.Data is null || !(e.Data ?? []).AsSpan().SequenceEqual(a.Data ?? []))
            {
                diffs.Add($"{path}: data {Show(e.Data)} != {Show(a.Data)}");
            }

            if (!AclListComparer.Instance.Equals(e.Acl, a.Acl))
            {
                diffs.Add($"{path}: acl [{string.Join(", ", e.Acl)}] != [{string.Join(", ", a.Acl)}]");
            }

            if (!e.Children.ToHashSet().SetEquals(a.Children))
            {
                diffs.Add($"{path}: children [{string.Join(", ", e.Children.Order())}] != [{string.Join(", ", a.Children.Order())}]");
            }

            if (e.HidesOwner != a.HidesOwner)
            {
                diffs.Add($"{path}: HidesOwner {e.HidesOwner} != {a.HidesOwner}");
            }
        }

        if (!expected.Containers.ToHashSet().SetEquals(actual.Containers))
        {
            diffs.Add("containers differ");
        }

        if (!expected.Ttls.ToHashSet().SetEquals(actual.Ttls))
        {
            diffs.Add("ttls differ");
        }

        var expectedEphemerals = expected.EphemeralsBySession.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => kv.Value);
        var actualEphemerals = actual.EphemeralsBySession.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => kv.Value);
        if (expectedEphemerals.Count != actualEphemerals.Count
            || expectedEphemerals.Any(kv => !actualEphemerals.TryGetValue(kv.Key, out var set) || !set.SetEquals(kv.Value)))
        {
            diffs.Add("ephemerals by session differ");
        }

        return diffs;
    }

    public static void SessionsEqual(IReadOnlyDictionary<long, int> expected, IReadOnlyDictionary<long, int> actual) =>
        Assert.Equal(expected.OrderBy(kv => kv.Key).ToList(), actual.OrderBy(kv => kv.Key).ToList());

    private static string Show(byte[]? data) => data is null ? "null" : Convert.ToHexString(data);
}
