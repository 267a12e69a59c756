using System.Text;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>conf</c> and <c>dirs</c> (ZooKeeper's <c>ZooKeeperServer.dumpConf</c> and <c>DirsCommand</c>). They read only
/// the configuration and the disk, so they run on the connection's task, not on the request loop.
/// </summary>
internal static class ConfCommand
{
    public static string Render(FourLetterWordContext context)
    {
        var config = context.Config;
        var settings = context.Settings;
        string dataDir = Path.GetFullPath(config.DataDir);
        string dataLogDir = Path.GetFullPath(config.DataLogDir);
        var text = new StringBuilder();
        text.Append("clientPort=").Append(context.LocalEndPoint().Port).Append('\n');
        text.Append("secureClientPort=").Append(config.SecureClientPortAddress?.Port ?? -1).Append('\n');
        text.Append("dataDir=").Append(dataDir).Append('\n');
        text.Append("dataDirSize=").Append(DirectorySize(dataDir)).Append('\n');
        text.Append("dataLogDir=").Append(dataLogDir).Append('\n');
        text.Append("dataLogSize=").Append(DirectorySize(dataLogDir)).Append('\n');
        text.Append("tickTime=").Append(settings.TickTime).Append('\n');
        text.Append("maxClientCnxns=").Append(config.MaxClientCnxns).Append('\n');
        text.Append("minSessionTimeout=").Append(settings.MinSessionTimeout).Append('\n');
        text.Append("maxSessionTimeout=").Append(settings.MaxSessionTimeout).Append('\n');
        text.Append("clientPortListenBacklog=").Append(config.ClientPortListenBacklog).Append('\n');

        // ZooKeeper prints its myid here, and 0 when standalone (sessions are still stamped with 1).
        text.Append("serverId=").Append(config.ServerId ?? 0).Append('\n');
        return text.ToString();
    }

    public static string RenderDirs(FourLetterWordContext context)
    {
        return $"datadir_size: {DirectorySize(Path.GetFullPath(context.Config.DataDir))}\n"
            + $"logdir_size: {DirectorySize(Path.GetFullPath(context.Config.DataLogDir))}\n";
    }

    /// <summary>Total bytes of the files under <paramref name="path"/>; 0 when it does not exist (yet).</summary>
    public static long DirectorySize(string path)
    {
        try
        {
            var directory = new DirectoryInfo(path);
            if (!directory.Exists)
            {
                return 0;
            }

            long size = 0;
            foreach (var file in directory.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
            {
                size += file.Length;
            }

            return size;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
