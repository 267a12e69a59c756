namespace CoordAspire.Node.Commands;

/// <summary>What a connection that received a four letter word asks for its answer.</summary>
internal interface IFourLetterWordHandler
{
    /// <summary>Whether <c>4lw.commands.whitelist</c> lets the command run.</summary>
    bool IsEnabled(FourLetterCommand command);

    /// <summary>
    /// The text to send back before closing (empty to close without a word). <paramref name="argument"/> is the
    /// 8-byte operand of <c>stmk</c>.
    /// </summary>
    Task<string> ExecuteAsync(FourLetterCommand command, Network.ClientConnection connection, long argument);
}
