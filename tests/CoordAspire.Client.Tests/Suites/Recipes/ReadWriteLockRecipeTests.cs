using CoordAspire.Client.Recipes;

namespace CoordAspire.Client.Tests;

/// <summary>The read/write lock: shared readers, exclusive writers, one fair queue for both.</summary>
public abstract class ReadWriteLockRecipeTests(IZooKeeperServerFixture server) : ClientTestBase(server)
{
    [Fact]
    public async Task Readers_hold_the_lock_together()
    {
        var handles = new List<LockHandle>();
        for (int i = 0; i < 3; i++)
        {
            var rw = new ReadWriteLock(await ConnectAsync(), P("rw"));
            var handle = await rw.ReadLock.TryAcquireAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(handle);
            handles.Add(handle);
        }

        var writer = new ReadWriteLock(Client, P("rw")).WriteLock;
        Assert.Null(await writer.TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        foreach (var handle in handles)
        {
            await handle.DisposeAsync();
        }

        await using var written = await writer.TryAcquireAsync(Timeout);
        Assert.NotNull(written);
    }

    [Fact]
    public async Task A_writer_is_alone_among_many_readers_and_writers()
    {
        int readers = 0, writers = 0, violations = 0, maxReaders = 0;
        var workers = new List<Task>();
        for (int i = 0; i < 6; i++)
        {
            bool isWriter = i % 3 == 0;
            var rw = new ReadWriteLock(await ConnectAsync(), P("rw"));
            workers.Add(Task.Run(async () =>
            {
                for (int round = 0; round < 5; round++)
                {
                    await using (await (isWriter ? rw.WriteLock : rw.ReadLock).AcquireAsync())
                    {
                        if (isWriter)
                        {
                            if (Interlocked.Increment(ref writers) != 1 || Volatile.Read(ref readers) != 0)
                            {
                                Interlocked.Increment(ref violations);
                            }

                            await Task.Delay(3);
                            Interlocked.Decrement(ref writers);
                        }
                        else
                        {
                            InterlockedMax(ref maxReaders, Interlocked.Increment(ref readers));
                            if (Volatile.Read(ref writers) != 0)
                            {
                                Interlocked.Increment(ref violations);
                            }

                            await Task.Delay(3);
                            Interlocked.Decrement(ref readers);
                        }
                    }
                }
            }));
        }

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, violations);
        Assert.Empty(await ChildrenOrNoneAsync(P("rw")));
    }

    [Fact]
    public async Task A_queued_writer_goes_before_readers_that_came_after_it()
    {
        var first = await new ReadWriteLock(await ConnectAsync(), P("rw")).ReadLock.AcquireAsync();
        var writerLock = new ReadWriteLock(await ConnectAsync(), P("rw"));
        var writing = writerLock.WriteLock.AcquireAsync().AsTask();
        await EventuallyAsync(async () => (await writerLock.WriteLock.GetParticipantsAsync()).Count == 2, "the writer queued");

        // A reader behind a waiting writer waits too: readers do not starve writers.
        var late = new ReadWriteLock(await ConnectAsync(), P("rw")).ReadLock;
        Assert.Null(await late.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        var lateReading = late.AcquireAsync().AsTask();
        Assert.False(writing.IsCompleted);

        await first.DisposeAsync();
        var written = await writing.WaitAsync(Timeout);
        await Task.Delay(200);
        Assert.False(lateReading.IsCompleted);
        await written.DisposeAsync();
        await (await lateReading.WaitAsync(Timeout)).DisposeAsync();
    }

    [Fact]
    public async Task The_writer_may_take_the_read_lock_to_downgrade()
    {
        var rw = new ReadWriteLock(Client, P("rw"));
        var write = await rw.WriteLock.AcquireAsync();
        var read = await rw.ReadLock.TryAcquireAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(read);
        await write.DisposeAsync();

        // Only the read lock is left: another reader joins, a writer cannot.
        var other = new ReadWriteLock(await ConnectAsync(), P("rw"));
        await using (var shared = await other.ReadLock.TryAcquireAsync(TimeSpan.FromSeconds(5)))
        {
            Assert.NotNull(shared);
        }

        Assert.Null(await other.WriteLock.TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        await read.DisposeAsync();
    }
}
