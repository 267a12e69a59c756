using CoordAspire.Configuration;
using CoordAspire.Node.Tests.Network;

namespace CoordAspire.Node.Tests.Commands;

/// <summary>
/// <c>4lw.commands.whitelist</c> (ZOOKEEPER-2693): a word that is not listed is refused with a sentence, not run;
/// <c>srvr</c> always runs, because <c>zkServer.sh status</c> needs it.
/// </summary>
public sealed class WhitelistTests
{
    [Theory]
    [InlineData("ruok")]
    [InlineData("stat")]
    [InlineData("mntr")]
    [InlineData("envi")]
    [InlineData("dump")]
    public async Task By_default_only_srvr_runs(string word)
    {
        await using var node = InProcessNode.Start(c => c with { FourLetterWordWhitelist = FourLetterWords.Default });

        Assert.Equal($"{word} is not executed because it is not in the whitelist.\n", await node.FourLetterWordAsync(word));
        Assert.StartsWith("Zookeeper version: ", await node.FourLetterWordAsync("srvr"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listed_words_run_and_the_others_are_refused()
    {
        await using var node = InProcessNode.Start(c => c with
        {
            FourLetterWordWhitelist = new HashSet<string>(StringComparer.Ordinal) { "ruok", "mntr", FourLetterWords.AlwaysEnabled },
        });

        Assert.Equal("imok", await node.FourLetterWordAsync("ruok"));
        Assert.StartsWith("zk_version\t", await node.FourLetterWordAsync("mntr"), StringComparison.Ordinal);
        Assert.Equal("cons is not executed because it is not in the whitelist.\n", await node.FourLetterWordAsync("cons"));
    }

    [Fact]
    public async Task A_refused_stmk_does_not_wait_for_its_operand()
    {
        await using var node = InProcessNode.Start(c => c with { FourLetterWordWhitelist = FourLetterWords.Default });

        Assert.Equal("stmk is not executed because it is not in the whitelist.\n", await node.FourLetterWordAsync("stmk"));
    }
}
