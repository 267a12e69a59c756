namespace CoordAspire.Configuration;

/// <summary>
/// A configuration that ZooKeeper would refuse (or that CoordAspire cannot honour). The message names the
/// file, the line when there is one, and the reason, like a compiler: <c>conf/zoo.cfg:7: clientPort: 'abc' is not a number</c>,
/// so that an operator can fix the file without reading our source.
/// </summary>
public sealed class ZooConfigException : Exception
{
    public ZooConfigException(string fileName, int? lineNumber, string reason)
        : base(lineNumber is { } line ? $"{fileName}:{line}: {reason}" : $"{fileName}: {reason}")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Reason = reason;
    }

    public ZooConfigException(string fileName, int? lineNumber, string reason, Exception innerException)
        : base(lineNumber is { } line ? $"{fileName}:{line}: {reason}" : $"{fileName}: {reason}", innerException)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>The file at fault: the static config, the dynamic config or <c>myid</c>.</summary>
    public string FileName { get; }

    /// <summary>1-based line where the offending entry starts, or null when the fault is something missing.</summary>
    public int? LineNumber { get; }

    /// <summary>The message without the file and line.</summary>
    public string Reason { get; }
}
