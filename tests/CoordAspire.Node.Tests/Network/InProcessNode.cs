using System.Net;
using CoordAspire.Configuration;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Hosting;
using CoordAspire.Node.Network;
using Microsoft.Extensions.Logging;

namespace CoordAspire.Node.Tests.Network;

/// <summary>
/// A real node in the test process, on a free loopback port, with its configuration built in memory: the listener,
/// connections, request loop and processor are the production ones, only the host around them is missing.
/// Every log line is captured in <see cref="Log"/>.
/// </summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly DirectoryInfo _dataDir;
    private readonly ILoggerFactory _loggerFactory;
    private readonly NodeServer _server;

    private InProcessNode(ZooConfig config, DirectoryInfo dataDir, ConnectionLimits? limits)
    {
        _dataDir = dataDir;
        Log = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(Log));
        _server = new NodeServer(config, _loggerFactory, TimeProvider.System, limits);
        _server.Start();
    }

    public CapturingLoggerProvider Log { get; }

    public ZooConfig Config => _server.Config;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, _server.LocalEndPoint.Port);

    /// <summary>
    /// Starts a node. By default every four letter word is enabled (tests of the whitelist pass their own) and
    /// tickTime is 2000 ms, as in ZooKeeper's sample configuration.
    /// </summary>
    public static InProcessNode Start(Func<ZooConfig, ZooConfig>? configure = null, ConnectionLimits? limits = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("coordaspire-node-test-");
        var config = new ZooConfig
        {
            DataDir = dataDir.FullName,
            ClientPortAddress = new HostPort("127.0.0.1", 0),
            TickTime = 2000,
            FourLetterWordWhitelist = FourLetterWords.All,
        };
        try
        {
            return new InProcessNode(configure?.Invoke(config) ?? config, dataDir, limits);
        }
        catch
        {
            dataDir.Delete(recursive: true);
            throw;
        }
    }

    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(EndPoint);

    /// <summary>Sends a four letter word on a new connection and returns everything the server wrote before closing.</summary>
    public Task<string> FourLetterWordAsync(string word) => FourLetterWordAsync(System.Text.Encoding.ASCII.GetBytes(word));

    /// <summary>Sends raw bytes on a new connection and returns, as text, everything the server wrote before closing.</summary>
    public async Task<string> FourLetterWordAsync(byte[] bytes)
    {
        await using var client = await ConnectAsync();
        await client.SendAsync(bytes);
        return System.Text.Encoding.UTF8.GetString(await client.ReadUntilClosedAsync());
    }

    /// <summary>Reads the processor's state on its loop.</summary>
    public Task<T> QueryAsync<T>(Func<RequestProcessor, T> query) => _server.QueryAsync(query);

    /// <summary>Waits until the server has no more than <paramref name="count"/> connections open (closing is asynchronous).</summary>
    public async Task WaitForConnectionCountAsync(int count)
    {
        var deadline = DateTime.UtcNow + RawClient.Timeout;
        while (_server.Connections.Count > count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the server still has {_server.Connections.Count} connections, expected {count}");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _loggerFactory.Dispose();
        try
        {
            _dataDir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
