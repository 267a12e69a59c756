using System.Buffers.Text;
using CoordAspire.Client;
using Microsoft.Extensions.Logging;

namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>A workload session on our .NET client, connected to the whole ensemble.</summary>
public sealed class ZooKeeperWorkloadSession : IWorkloadSession
{
    private readonly ZooKeeperClient _client;

    private ZooKeeperWorkloadSession(ZooKeeperClient client) => _client = client;

    public long SessionId => _client.SessionId;

    public string? Server => _client.ConnectedServer;

    public static async Task<IWorkloadSession> ConnectAsync(string connectString, int seed, ILoggerFactory loggerFactory)
    {
        var client = await ZooKeeperClient.ConnectAsync(connectString, new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            ReconnectJitter = TimeSpan.FromMilliseconds(200),
            HostShuffleSeed = seed,
            LoggerFactory = loggerFactory,
        });
        return new ZooKeeperWorkloadSession(client);
    }

    public async Task<(long Value, int Version)> ReadAsync(string path)
    {
        var sync = _client.SyncAsync(path).AsTask();
        var read = _client.GetDataAsync(path).AsTask();
        await sync;
        var (data, stat) = await read;
        return (Parse(data), stat.Version);
    }

    public async Task<int> WriteAsync(string path, long value, int expectedVersion)
    {
        var data = new byte[20];
        Utf8Formatter.TryFormat(value, data, out int written);
        var stat = await _client.SetDataAsync(path, data.AsMemory(0, written), expectedVersion);
        return stat.Version;
    }

    public async Task AddAsync(string path) => await _client.CreateAsync(path, ReadOnlyMemory<byte>.Empty);

    public async Task WaitUntilConnectedAsync(TimeSpan timeout)
    {
        if (_client.State is ConnectionState.Connected)
        {
            return;
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _client.WaitUntilConnectedAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Still reconnecting: the next operation finds out.
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static long Parse(byte[] data) =>
        Utf8Parser.TryParse(data, out long value, out int consumed) && consumed == data.Length
            ? value
            : throw new InvalidDataException($"a register holds '{System.Text.Encoding.UTF8.GetString(data)}', not a number");
}
