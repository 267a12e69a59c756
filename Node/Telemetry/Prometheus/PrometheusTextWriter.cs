using System.Text;
using CoordAspire.Node.Commands;

namespace CoordAspire.Node.Telemetry.Prometheus;

/// <summary>
/// Prometheus' text exposition format 0.0.4, written byte for byte as ZooKeeper 3.8's Java client writes it
/// (simpleclient 0.9 <c>TextFormat.write004</c>): a <c># HELP</c> and a <c># TYPE</c> line per family, then one line
/// per sample, labels each followed by a comma (<c>x{quantile="0.5",} 1.0</c>) and values as Java's
/// <c>Double.toString</c> prints them (<c>5.0</c>, <c>1.0E7</c>, <c>NaN</c>, <c>+Inf</c>). Every Prometheus
/// server and the ZooKeeper dashboards parse this; writing it the same way keeps a diff against Apache's scrape short.
/// </summary>
internal sealed class PrometheusTextWriter
{
    /// <summary><c>TextFormat.CONTENT_TYPE_004</c>.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(8192);

    /// <summary>ZooKeeper's gauges, counters and summaries have their own name as help text.</summary>
    public void Gauge(string name, double value, string? help = null)
    {
        Family(name, help ?? name, "gauge");
        Sample(name, value);
    }

    public void Counter(string name, double value, string? help = null)
    {
        Family(name, help ?? name, "counter");
        Sample(name, value);
    }

    /// <summary><c>Summary.collect</c>: the quantiles, then <c>_count</c>, then <c>_sum</c>.</summary>
    public void Summary(string name, SummarySnapshot snapshot, string? help = null)
    {
        Family(name, help ?? name, "summary");
        foreach (var (quantile, value) in snapshot.Quantiles)
        {
            Sample(name, value, ("quantile", JavaDouble(quantile)));
        }

        Sample(name + "_count", snapshot.Count);
        Sample(name + "_sum", snapshot.Sum);
    }

    /// <summary>The two comment lines that open a family; its samples follow with <see cref="Sample"/>.</summary>
    public void Family(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (char c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            foreach (var (label, labelValue) in labels)
            {
                _text.Append(label).Append("=\"");
                foreach (char c in labelValue)
                {
                    _ = c switch
                    {
                        '\\' => _text.Append(@"\\"),
                        '"' => _text.Append("\\\""),
                        '\n' => _text.Append(@"\n"),
                        _ => _text.Append(c),
                    };
                }

                _text.Append("\",");
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(JavaDouble(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    /// <summary><c>Collector.doubleToGoString</c>: Go's spelling of the infinities, Java's of everything else.</summary>
    public static string JavaDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => JavaFormat.Double(value),
    };
}
