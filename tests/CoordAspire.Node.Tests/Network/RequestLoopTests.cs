using System.Buffers;
using System.Buffers.Binary;
using CoordAspire.Database.Processing;
using CoordAspire.Node.Processing;
using CoordAspire.Protocol;
using CoordAspire.Protocol.Jute;
using CoordAspire.Protocol.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoordAspire.Node.Tests.Network;

/// <summary>The request loop with no socket at all: connections are in-memory fakes that record what they are told.</summary>
public sealed class RequestLoopTests : IAsyncLifetime, IAsyncDisposable
{
    private RequestLoop _loop = null!;

    public Task InitializeAsync()
    {
        var clock = new ServerClock(TimeProvider.System);
        var processor = new RequestProcessor(new ServerSettings { TickTime = 2000, MinSessionTimeout = 4000, MaxSessionTimeout = 40000 }, clock.Now());
        _loop = new RequestLoop(processor, clock, NullLogger.Instance);
        _loop.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _loop.DisposeAsync();

    // Stopping the loop twice is harmless; this keeps the analyzers aware that the class disposes what it owns.
    ValueTask IAsyncDisposable.DisposeAsync() => _loop.DisposeAsync();

    [Fact]
    public async Task Replies_come_back_in_order_and_each_packet_returns_its_credit()
    {
        var connection = new FakeConnection(_loop);
        Assert.True(_loop.PostConnect(connection, Connect(), 0));
        for (int i = 0; i < 3; i++)
        {
            PostPacket(connection, Xid.Ping, OpCode.Ping);
        }

        await _loop.QueryAsync(_ => 0);
        await connection.Flushed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.IsType<ConnectResponse>(connection.Sent[0]);
        Assert.All(connection.Sent.Skip(1), r => Assert.Equal(Xid.Ping, Assert.IsType<ReplyHeader>(r).Xid));
        Assert.Equal(4, connection.Sent.Count);
        Assert.Equal(3, connection.PacketsProcessed);
        Assert.InRange(connection.Flushes, 1, 4);
    }

    [Fact]
    public async Task Packets_of_a_closing_connection_are_dropped_but_return_their_credit()
    {
        var connection = new FakeConnection(_loop);
        _loop.PostConnect(connection, Connect(), 0);
        await _loop.QueryAsync(_ => 0);
        connection.Close("test");

        PostPacket(connection, Xid.Ping, OpCode.Ping);
        await _loop.QueryAsync(_ => 0);

        Assert.Single(connection.Sent);
        Assert.Equal(1, connection.PacketsProcessed);
    }

    [Fact]
    public async Task A_packet_that_does_not_parse_closes_its_connection_and_the_loop_goes_on()
    {
        var bad = new FakeConnection(_loop);
        var good = new FakeConnection(_loop);
        _loop.PostConnect(bad, Connect(), 0);
        _loop.PostConnect(good, Connect(), 0);

        var buffer = ArrayPool<byte>.Shared.Rent(3);
        _loop.PostPacket(bad, buffer, 3, 0);
        PostPacket(good, Xid.Ping, OpCode.Ping);
        await _loop.QueryAsync(_ => 0);

        Assert.Equal("malformed request", bad.CloseReason);
        Assert.Null(good.CloseReason);
        Assert.Equal(2, good.Sent.Count);
    }

    [Fact]
    public async Task A_query_sees_the_state_after_everything_posted_before_it()
    {
        var connection = new FakeConnection(_loop);
        _loop.PostConnect(connection, Connect(), 0);

        int sessions = await _loop.QueryAsync(p => p.Sessions.Count);

        Assert.Equal(1, sessions);
    }

    [Fact]
    public async Task Queries_after_the_loop_stopped_are_cancelled()
    {
        await _loop.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _loop.QueryAsync(_ => 0));
    }

    private static ConnectRequest Connect() => new(0, 0, 30000, 0, new byte[16], false, true);

    private void PostPacket(FakeConnection connection, int xid, OpCode op)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8);
        BinaryPrimitives.WriteInt32BigEndian(buffer, xid);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(4), (int)op);
        Assert.True(_loop.PostPacket(connection, buffer, 8, 0));
    }

    private sealed class FakeConnection(RequestLoop loop) : ILoopConnection
    {
        private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _flushScheduled;

        /// <summary>Completes at the first flush: the end of the loop's batch, which may come after a query in it.</summary>
        public Task Flushed => _flushed.Task;

        public List<object> Sent { get; } = [];

        public int PacketsProcessed { get; private set; }

        public int Flushes { get; private set; }

        public string? CloseReason { get; private set; }

        public long SessionId { get; set; }

        public int SessionTimeout { get; set; }

        public List<Id> AuthInfo { get; } = [new Id("ip", "127.0.0.1")];

        public string RemoteAddress => "127.0.0.1";

        public bool SentReadOnlyFlag { get; set; }

        public bool RequestsDropped => CloseReason is not null;

        public string? TraceParent { get; set; }

        public void TrackRequestSpan(int xid, System.Diagnostics.Activity? span)
        {
        }

        public void SendConnectResponse(in ConnectResponse response) => Record(response);

        public void SendReply<T>(in ReplyHeader header, in T body) where T : struct, IJuteRecord<T> => Record(header);

        public void SendReply(in ReplyHeader header) => Record(header);

        public void Process(in WatcherEvent watchedEvent, long zxid) => Record(watchedEvent);

        public void Close(string reason) => CloseReason ??= reason;

        public void OnPacketStarting(int xid, int opCode, long receivedAt)
        {
        }

        public void OnPacketProcessed() => PacketsProcessed++;

        public void Flush()
        {
            _flushScheduled = false;
            Flushes++;
            _flushed.TrySetResult();
        }

        private void Record(object frame)
        {
            Sent.Add(frame);
            if (!_flushScheduled)
            {
                _flushScheduled = true;
                loop.ScheduleFlush(this);
            }
        }
    }
}
