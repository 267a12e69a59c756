using System.Collections.Frozen;
using CoordAspire.Configuration;
using CoordAspire.Node.Quorum;
using CoordAspire.Node.Tests.Harness;
using CoordAspire.Node.Tests.Network;
using CoordAspire.Zab;

namespace CoordAspire.Node.Tests.Quorum;

/// <summary>An ensemble configuration on free loopback ports, for channel tests.</summary>
internal static class QuorumTestEnsemble
{
    public static IReadOnlyDictionary<long, QuorumServer> Servers(params long[] ids) =>
        ids.ToFrozenDictionary(id => id, id => new QuorumServer(id, "127.0.0.1", FreePort.Next(), FreePort.Next(), LearnerType.Participant, null));

    /// <summary>Fast retries: tests wait for reconnects, not for production pacing.</summary>
    public static QuorumTransportOptions FastOptions { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        LeaderConnectAttempts = 2,
        LeaderConnectRetryDelay = TimeSpan.FromMilliseconds(100),
        ElectionRetryMinDelay = TimeSpan.FromMilliseconds(20),
        ElectionRetryMaxDelay = TimeSpan.FromMilliseconds(200),
        IdentifyTimeout = TimeSpan.FromSeconds(5),
    };

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Reads the next item or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<T> NextAsync<T>(this System.Threading.Channels.Channel<T> channel, TimeSpan? timeout = null, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            return await channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nothing arrived within {timeout ?? Timeout}{(what is null ? "" : ": " + what)}");
        }
    }

    /// <summary>Asserts nothing arrives for a while.</summary>
    public static async Task NothingAsync<T>(this System.Threading.Channels.Channel<T> channel, TimeSpan wait)
    {
        await Task.Delay(wait);
        Assert.False(channel.Reader.TryRead(out var item), $"unexpected {item}");
    }
}

/// <summary>A <see cref="QuorumChannel"/> whose callbacks land in queues.</summary>
internal sealed class QuorumChannelUnderTest : IAsyncDisposable
{
    public QuorumChannelUnderTest(long id, IReadOnlyDictionary<long, QuorumServer> servers, QuorumTransportOptions? options = null)
    {
        Id = id;
        Channel = new QuorumChannel(id, servers, false, m => Messages.Writer.TryWrite(m), OnLost,
            Logs.CreateLogger("quorum." + id), options ?? QuorumTestEnsemble.FastOptions);
    }

    public long Id { get; }

    public QuorumChannel Channel { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public System.Threading.Channels.Channel<QuorumMessage> Messages { get; } = System.Threading.Channels.Channel.CreateUnbounded<QuorumMessage>();

    public System.Threading.Channels.Channel<long> Losses { get; } = System.Threading.Channels.Channel.CreateUnbounded<long>();

    /// <summary>Set on the thread inside Send, to catch a loss reported re-entrantly.</summary>
    [ThreadStatic]
    private static bool t_inSend;

    public bool ReentrantLoss { get; private set; }

    public QuorumChannelUnderTest Start()
    {
        Channel.Start();
        return this;
    }

    public void Send(QuorumMessage message, long to)
    {
        t_inSend = true;
        try
        {
            Channel.Send(message with { From = Id, To = to });
        }
        finally
        {
            t_inSend = false;
        }
    }

    public async Task<T> NextAsync<T>(string? what = null) where T : QuorumMessage
    {
        var message = await Messages.NextAsync(what: what ?? typeof(T).Name);
        return Assert.IsType<T>(message);
    }

    public ValueTask DisposeAsync() => Channel.DisposeAsync();

    private void OnLost(long peer)
    {
        if (t_inSend)
        {
            ReentrantLoss = true;
        }

        Losses.Writer.TryWrite(peer);
    }
}
