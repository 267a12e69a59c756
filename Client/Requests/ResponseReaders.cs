using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;

namespace CoordAspire.Client;

/// <summary>The reply bodies of the single operations, read straight into what the API returns.</summary>
internal static class ResponseReaders
{
    /// <summary>create, and the path that starts the Create2Response of createContainer and createTTL: the created
    /// path (sequence suffix included), chroot removed.</summary>
    public static readonly ResponseReader<string> CreatedPath =
        static (Request request, ref JuteReader reader) => request.Client.ToClientPath(reader.ReadString() ?? "");

    public static readonly ResponseReader<(string Path, Stat Stat)> Created2 =
        static (Request request, ref JuteReader reader) => (request.Client.ToClientPath(reader.ReadString() ?? ""), Protocol.Records.Stat.Read(ref reader));

    public static readonly ResponseReader<Stat> Stat = static (Request _, ref JuteReader reader) => Protocol.Records.Stat.Read(ref reader);

    public static readonly ResponseReader<Stat?> OptionalStat = static (Request _, ref JuteReader reader) => Protocol.Records.Stat.Read(ref reader);

    public static readonly ResponseReader<(byte[] Data, Stat Stat)> Data =
        static (Request _, ref JuteReader reader) => (reader.ReadBuffer() ?? [], Protocol.Records.Stat.Read(ref reader));

    public static readonly ResponseReader<IReadOnlyList<string>> Names =
        static (Request _, ref JuteReader reader) => reader.ReadStringVector() ?? [];

    public static readonly ResponseReader<IReadOnlyList<string>> Paths = static (Request request, ref JuteReader reader) =>
    {
        var paths = reader.ReadStringVector() ?? [];
        for (int i = 0; i < paths.Count; i++)
        {
            paths[i] = request.Client.ToClientPath(paths[i]);
        }

        return paths;
    };

    public static readonly ResponseReader<(IReadOnlyList<string> Children, Stat Stat)> Children2 =
        static (Request _, ref JuteReader reader) => (reader.ReadStringVector() ?? [], Protocol.Records.Stat.Read(ref reader));

    public static readonly ResponseReader<(IReadOnlyList<Acl> Acl, Stat Stat)> Acl =
        static (Request _, ref JuteReader reader) => (Protocol.Records.Acl.ReadList(ref reader) ?? [], Protocol.Records.Stat.Read(ref reader));

    public static readonly ResponseReader<int> Int = static (Request _, ref JuteReader reader) => reader.ReadInt();

    public static readonly ResponseReader<IReadOnlyList<ClientInfo>> WhoAmI =
        static (Request _, ref JuteReader reader) => WhoAmIResponse.Read(ref reader).ClientInfo;
}
