using System.Text;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Telemetry;

namespace CoordAspire.Node.Commands;

/// <summary>
/// <c>mntr</c> (ZooKeeper's <c>MonitorCommand</c>): a <c>zk_&lt;name&gt;\t&lt;value&gt;</c> line for each of the
/// <see cref="MonitorValues"/>, the list the Prometheus endpoint exports too (without the prefix). Rendered on the
/// request loop.
/// </summary>
internal static class MonitorCommand
{
    public static string Render(FourLetterWordContext context, RequestProcessor processor)
    {
        var text = new StringBuilder();
        foreach (var value in MonitorValues.Read(context, processor))
        {
            text.Append("zk_").Append(value.Key).Append('\t').Append(value.Text).Append('\n');
        }

        return text.ToString();
    }
}
