using System.Text;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// Leader election with a term (Curator's <c>LeaderSelector</c>): participants queue on a fair
/// <see cref="DistributedLock"/>; the one holding it is the leader and runs the leadership callback; leadership ends
/// when the callback returns (then, with <see cref="AutoRequeue"/>, the participant queues again at the back), or when
/// the connection is lost — the callback's token is cancelled then, because another participant may lead as soon as
/// this session is gone, and the callback must stop acting as leader.
/// </summary>
public sealed class LeaderElection : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly Func<CancellationToken, Task> _leadAsync;
    private readonly DistributedLock _mutex;
    private readonly Broadcast<bool> _changes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly EventHandler<ConnectionStateChangedEventArgs> _onStateChanged;
    private CancellationTokenSource? _term;
    private Task _loop = Task.CompletedTask;
    private bool _isLeader;
    private int _started;

    /// <param name="leadAsync">Runs while this participant leads; return to give leadership up. Its token is
    /// cancelled when leadership is lost (connection loss, session end, dispose).</param>
    public LeaderElection(ZooKeeperClient client, string path, Func<CancellationToken, Task> leadAsync, string participantId = "")
    {
        ArgumentNullException.ThrowIfNull(leadAsync);
        _client = client;
        _leadAsync = leadAsync;
        ParticipantId = participantId;
        _mutex = new DistributedLock(client, path) { NodeData = Encoding.UTF8.GetBytes(participantId) };
        _onStateChanged = (_, e) =>
        {
            if (e.Current != ConnectionState.Connected)
            {
                CancelTerm();
            }
        };
    }

    public string Path => _mutex.Path;

    public string ParticipantId { get; }

    /// <summary>Queue again after each term (Curator's <c>autoRequeue</c>); otherwise lead at most once.</summary>
    public bool AutoRequeue { get; init; } = true;

    public bool IsLeader => Volatile.Read(ref _isLeader);

    /// <summary>The election loop: ends when the participant stops taking part (disposed, not requeueing, session ended).</summary>
    public Task Completion => _loop;

    /// <summary>The leadership callback threw (it is then given up as if it had returned).</summary>
    public event EventHandler<Exception>? LeadershipFailed;

    /// <summary>This participant started (true) or stopped (false) leading. Raised on the election's loop.</summary>
    public event EventHandler<bool>? LeadershipChanged;

    /// <summary>Whether this participant leads: now, and at every change from then on.</summary>
    public IAsyncEnumerable<bool> LeadershipChangesAsync(CancellationToken cancellationToken = default) =>
        _changes.SubscribeAsync(() => _isLeader, cancellationToken);

    /// <summary>The participant id of the current leader, or null when nobody takes part.</summary>
    public Task<string?> GetLeaderIdAsync(CancellationToken cancellationToken = default) =>
        LeaderLatch.GetFirstParticipantIdAsync(_client, Path, string.Empty, cancellationToken);

    /// <summary>Joins the election.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the election was already started");
        }

        _client.StateChanged += _onStateChanged;
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }
    }

    /// <summary>Leaves the election: cancels a running term, waits for the callback to return and releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        CancelTerm();
        _client.StateChanged -= _onStateChanged;
        await _loop.ConfigureAwait(false);
        _changes.Complete();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        for (int failures = 0; !stop.IsCancellationRequested && !_client.State.IsTerminal();)
        {
            LockHandle? handle = null;
            try
            {
                handle = await _mutex.AcquireAsync(stop).ConfigureAwait(false);
                failures = 0;
                await LeadAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (KeeperException) when (!_client.State.IsTerminal())
            {
                await RecipeSupport.BackoffAsync(failures++, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            catch (KeeperException)
            {
                return;
            }
            finally
            {
                await ReleaseAsync(handle).ConfigureAwait(false);
            }

            if (!AutoRequeue)
            {
                return;
            }
        }
    }

    private async Task LeadAsync(CancellationToken stop)
    {
        using var term = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Volatile.Write(ref _term, term);
        if (_client.State != ConnectionState.Connected)
        {
            // lost between acquiring and starting the term: the state handler ran before there was a term to cancel
            await term.CancelAsync().ConfigureAwait(false);
        }

        SetLeadership(true);
        try
        {
            await _leadAsync(term.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LeadershipFailed?.Invoke(this, e);
        }
        finally
        {
            Volatile.Write(ref _term, null);
            SetLeadership(false);
        }
    }

    private async Task ReleaseAsync(LockHandle? handle)
    {
        if (handle is null)
        {
            return;
        }

        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (KeeperException)
        {
            // the session is gone, and the lock with it
        }
    }

    private void CancelTerm()
    {
        try
        {
            Volatile.Read(ref _term)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the term ended meanwhile
        }
    }

    private void SetLeadership(bool leader)
    {
        _changes.Publish(leader, () => Volatile.Write(ref _isLeader, leader));
        LeadershipChanged?.Invoke(this, leader);
    }
}
