using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// Curator's protection mode (<c>CreateBuilder.withProtection</c>): a create whose reply is lost to a broken connection
/// may or may not have happened, and for a sequential znode a blind retry makes a second one — an orphan that, under a
/// lock, blocks every later waiter for the rest of the session. So the name starts with <c>_c_{guid}-</c>; after a
/// ConnectionLoss the parent's children are searched for that prefix, and a found znode is the one we made.
/// </summary>
internal static class ProtectedNode
{
    public const string Prefix = "_c_";

    /// <summary>
    /// Creates <paramref name="parent"/>/_c_{guid}-<paramref name="name"/>, creating the parent (as a container) when it
    /// is missing, exactly once however often the connection breaks. The create itself is never cancelled half-way —
    /// cancelling it could leave exactly the orphan this avoids — so <paramref name="cancellationToken"/> is looked at
    /// between attempts.
    /// </summary>
    public static async Task<string> CreateAsync(
        ZooKeeperClient client, string parent, string name, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken)
    {
        string prefix = Prefix + Guid.NewGuid().ToString("D") + "-";
        string path = RecipeSupport.Combine(parent, prefix + name);
        long giveUpAt = 0;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await client.CreateAsync(path, data, mode, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                await RecipeSupport.EnsurePathAsync(client, parent, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (ConnectionLossException) when (!client.State.IsTerminal())
            {
                giveUpAt = giveUpAt == 0 ? Environment.TickCount64 + (long)(2 * client.SessionTimeout.TotalMilliseconds) : giveUpAt;
                if (Environment.TickCount64 > giveUpAt)
                {
                    throw;
                }
            }

            // Curator's findProtectedNodeInForeground: did the lost create happen after all?
            await RecipeSupport.BackoffAsync(attempt, CancellationToken.None).ConfigureAwait(false);
            if (await FindAsync(client, parent, prefix).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }
    }

    /// <summary>The child of <paramref name="parent"/> whose name starts with <paramref name="prefix"/>, or null.</summary>
    private static async Task<string?> FindAsync(ZooKeeperClient client, string parent, string prefix)
    {
        try
        {
            // A sync first: after a lost connection this client may talk to another member of the ensemble, one that
            // has not applied the create yet although the leader committed it (the client never saw its zxid, so
            // nothing stopped it from connecting there). Missing it would queue a second, orphaned node.
            var children = await RecipeSupport.RetryAsync(
                client,
                async ct =>
                {
                    await client.SyncAsync(parent, ct).ConfigureAwait(false);
                    return await client.GetChildrenAsync(parent, ct).ConfigureAwait(false);
                },
                CancellationToken.None).ConfigureAwait(false);
            string? name = children.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal));
            return name is null ? null : RecipeSupport.Combine(parent, name);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }
}
