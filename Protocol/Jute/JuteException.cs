namespace CoordAspire.Protocol.Jute;

/// <summary>
/// A jute record could not be read: the bytes are truncated, a length is negative or too large,
/// or a field holds a value the record does not allow. The connection that sent it is closed;
/// nobody else is affected.
/// </summary>
public sealed class JuteException : Exception
{
    public JuteException(string message) : base(message) { }

    public JuteException() { }

    public JuteException(string message, Exception inner) : base(message, inner) { }
}
