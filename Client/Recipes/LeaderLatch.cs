using System.Text;
using CoordAspire.Protocol;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// Leader election as a latch (Curator's <c>LeaderLatch</c>; "Leader Election", ZooKeeper Recipes and Solutions): every
/// participant puts an ephemeral sequential znode under <see cref="Path"/>; the one with the lowest sequence number is
/// the leader; each other participant watches only its predecessor, so a leader that leaves — closes, crashes, loses
/// its session — hands leadership to the next in line without waking the rest.
/// </summary>
/// <remarks>
/// Leadership is given up as soon as the connection is lost (Curator's default for SUSPENDED): while disconnected,
/// this participant cannot know whether its session — and so its place — still exists, and another may already lead.
/// It is taken back on reconnection when the session survived and the znode is still first. An expired session ends
/// the latch for good (as it ends the client). <see cref="LeadershipChanged"/> is raised on the latch's own loop, and
/// on the client's dispatcher when the connection is lost; it should not block.
/// </remarks>
public sealed class LeaderLatch : IAsyncDisposable
{
    private const string LatchName = "latch-";

    private readonly ZooKeeperClient _client;
    private readonly Signal _wake = new();
    private readonly Broadcast<bool> _changes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<WatchedEvent> _watcher;
    private readonly EventHandler<ConnectionStateChangedEventArgs> _onStateChanged;
    private readonly Lock _gate = new();
    private TaskCompletionSource _leadership = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private string? _ourPath;
    private bool _hasLeadership;
    private int _started;

    public LeaderLatch(ZooKeeperClient client, string path, string participantId = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        ZooKeeperClient.ValidatePath(path);
        _client = client;
        Path = path;
        ParticipantId = participantId;
        _watcher = _ => _wake.Set();
        _onStateChanged = (_, e) =>
        {
            if (e.Current != ConnectionState.Connected)
            {
                // At once, not when the loop gets round to it: the connection may be back by then.
                SetLeadership(false);
            }

            _wake.Set();
        };
    }

    public string Path { get; }

    /// <summary>Stored in this participant's znode: what <see cref="GetLeaderIdAsync"/> returns when it leads.</summary>
    public string ParticipantId { get; }

    public bool HasLeadership
    {
        get
        {
            lock (_gate)
            {
                return _hasLeadership;
            }
        }
    }

    /// <summary>The latch gained (true) or lost (false) leadership.</summary>
    public event EventHandler<bool>? LeadershipChanged;

    /// <summary>Whether this participant leads: now, and at every change from then on (ends when the latch is disposed).</summary>
    public IAsyncEnumerable<bool> LeadershipChangesAsync(CancellationToken cancellationToken = default) =>
        _changes.SubscribeAsync(() => _hasLeadership, cancellationToken);

    /// <summary>Joins the election: returns once this participant's znode exists; leadership follows on the latch's loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the latch was already started");
        }

        _client.StateChanged += _onStateChanged;
        _ourPath = await CreateOurNodeAsync(cancellationToken).ConfigureAwait(false);
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }
    }

    /// <summary>Completes when this participant leads.</summary>
    public async Task AwaitLeadershipAsync(CancellationToken cancellationToken = default)
    {
        Task leadership;
        lock (_gate)
        {
            leadership = _leadership.Task;
        }

        await leadership.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for leadership; false when it did not come.</summary>
    public async Task<bool> AwaitLeadershipAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await AwaitLeadershipAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The participant id of the current leader (whoever's znode is first), or null when nobody takes part.</summary>
    public Task<string?> GetLeaderIdAsync(CancellationToken cancellationToken = default) =>
        GetFirstParticipantIdAsync(_client, Path, LatchName, cancellationToken);

    /// <summary>Leaves the election: gives up leadership and deletes this participant's znode.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _client.StateChanged -= _onStateChanged;
        await _loop.ConfigureAwait(false);
        SetLeadership(false);
        _changes.Complete();
        if (Interlocked.Exchange(ref _ourPath, null) is { } ourPath && !_client.State.IsTerminal())
        {
            try
            {
                await RecipeSupport.DeleteQuietlyAsync(_client, ourPath).ConfigureAwait(false);
            }
            catch (KeeperException)
            {
                // the session ended meanwhile: its ephemerals are gone with it
            }
        }

        _stop.Dispose();
    }

    /// <summary>The id stored in the first sequential child of <paramref name="path"/> (shared with <see cref="LeaderElection"/>).</summary>
    internal static async Task<string?> GetFirstParticipantIdAsync(ZooKeeperClient client, string path, string marker, CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<string> children;
            try
            {
                children = await RecipeSupport.RetryAsync(client, ct => client.GetChildrenAsync(path, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                return null;
            }

            var sorted = RecipeSupport.SortBySequence(children, marker);
            if (sorted.Count == 0)
            {
                return null;
            }

            try
            {
                string first = RecipeSupport.Combine(path, sorted[0]);
                var (data, _) = await RecipeSupport.RetryAsync(client, ct => client.GetDataAsync(first, ct), cancellationToken).ConfigureAwait(false);
                return Encoding.UTF8.GetString(data);
            }
            catch (NoNodeException)
            {
                // the leader just left: look again
            }
        }
    }

    private Task<string> CreateOurNodeAsync(CancellationToken cancellationToken) =>
        ProtectedNode.CreateAsync(_client, Path, LatchName, Encoding.UTF8.GetBytes(ParticipantId), CreateMode.EphemeralSequential, cancellationToken);

    /// <summary>
    /// The latch's loop (Curator's <c>checkLeadership</c>): look at the participants, lead if first, otherwise watch
    /// the predecessor; wake on that watch or a connection change and look again.
    /// </summary>
    private async Task RunAsync()
    {
        var cancellationToken = _stop.Token;
        for (int failures = 0; !cancellationToken.IsCancellationRequested;)
        {
            try
            {
                if (_client.State != ConnectionState.Connected)
                {
                    SetLeadership(false);
                    if (_client.State.IsTerminal())
                    {
                        return;
                    }

                    await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                string ourPath = Volatile.Read(ref _ourPath) ?? await RecreateAsync(cancellationToken).ConfigureAwait(false);
                var children = await RecipeSupport.RetryAsync(_client, ct => _client.GetChildrenAsync(Path, ct), cancellationToken).ConfigureAwait(false);
                var sorted = RecipeSupport.SortBySequence(children, LatchName);
                int ourIndex = sorted.IndexOf(RecipeSupport.NodeName(ourPath));
                if (ourIndex < 0)
                {
                    // Someone deleted our znode while the session lived on: queue again at the back.
                    Interlocked.CompareExchange(ref _ourPath, null, ourPath);
                    continue;
                }

                // The leader watches its own znode (to notice it being deleted), the others their predecessor.
                string watched = RecipeSupport.Combine(Path, sorted[Math.Max(0, ourIndex - 1)]);
                try
                {
                    await _client.GetDataAsync(watched, _watcher, cancellationToken).ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    continue;
                }

                SetLeadership(ourIndex == 0 && _client.State == ConnectionState.Connected);
                failures = 0;
                await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KeeperException) when (!_client.State.IsTerminal())
            {
                // ConnectionLoss and friends: the state handler wakes us when the connection is back.
                SetLeadership(false);
                await RecipeSupport.BackoffAsync(failures++, CancellationToken.None).ConfigureAwait(false);
            }
            catch (KeeperException)
            {
                SetLeadership(false);
                return;
            }
        }
    }

    private async Task<string> RecreateAsync(CancellationToken cancellationToken)
    {
        string path = await CreateOurNodeAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _ourPath, path);
        return path;
    }

    private void SetLeadership(bool leader)
    {
        lock (_gate)
        {
            if (_hasLeadership == leader)
            {
                return;
            }

            _changes.Publish(leader, () =>
            {
                _hasLeadership = leader;
                if (leader)
                {
                    _leadership.TrySetResult();
                }
                else if (_leadership.Task.IsCompleted)
                {
                    _leadership = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            });
        }

        LeadershipChanged?.Invoke(this, leader);
    }
}
