using CoordAspire.Client;
using CoordAspire.FaultInjection.Tests.Checker;

namespace CoordAspire.FaultInjection.Tests.Workload;

/// <summary>
/// Jepsen's register and set workloads on ZooKeeper: concurrent sessions read (sync + getData), write (setData) and
/// compare-and-set (setData on a version) a few registers, and add unique elements to a set (create), each session
/// pipelining up to three operations at once so that FIFO client order is exercised too. Every operation goes into
/// the <see cref="History"/> with its times and what the client learned. A session whose session expired is replaced
/// by a new one (a new process, in Jepsen's words). <c>identifyServer</c> says, for a session's server, how to name
/// it in the history (with the time) and whether it runs Apache ZooKeeper.
/// </summary>
public sealed class RegisterWorkload(History history, Func<int, Task<IWorkloadSession>> connect, int workers = 6, int registers = 3, Func<string?, (string? Name, bool Apache)>? identifyServer = null)
{
    public const string Root = "/fault";
    public const string SetPath = Root + "/set";

    public static string RegisterPath(int register) => $"{Root}/r{register}";

    public int Registers => registers;

    /// <summary>Runs the workers until <paramref name="stop"/>.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop))));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(1_000 + worker);
        long nextValue = (worker + 1) * 1_000_000_000L;
        int nextElement = 0;
        var lastVersion = new int[registers];
        for (int generation = 0; !stop.IsCancellationRequested; generation++)
        {
            int sessionKey = worker * 1_000 + generation;
            IWorkloadSession session;
            try
            {
                session = await connect(sessionKey);
            }
            catch (KeeperException)
            {
                await Delay(200, stop);
                continue;
            }

            await using (session)
            {
                bool expired = false;
                while (!stop.IsCancellationRequested && !expired)
                {
                    try
                    {
                        await session.WaitUntilConnectedAsync(TimeSpan.FromSeconds(2));
                    }
                    catch (KeeperException)
                    {
                        break;
                    }

                    // One to three operations issued back to back: they are in flight together on one connection.
                    int batch = random.Next(1, 4);
                    var operations = new Task<bool>[batch];
                    for (int i = 0; i < batch; i++)
                    {
                        int register = random.Next(registers);
                        int dice = random.Next(10);
                        operations[i] = dice switch
                        {
                            < 4 => ReadAsync(session, sessionKey, register, lastVersion),
                            < 7 => WriteAsync(session, sessionKey, register, nextValue++, -1, lastVersion),
                            < 9 => WriteAsync(session, sessionKey, register, nextValue++, lastVersion[register], lastVersion),
                            _ => AddAsync(session, sessionKey, $"w{worker}-{nextElement++}"),
                        };
                    }

                    bool[] alive = await Task.WhenAll(operations);
                    expired = alive.Any(a => !a);
                }
            }
        }
    }

    /// <summary>Each returns false when the session has expired.</summary>
    private async Task<bool> ReadAsync(IWorkloadSession session, int sessionKey, int register, int[] lastVersion)
    {
        long invoked = History.Now;
        try
        {
            var (value, version) = await session.ReadAsync(RegisterPath(register));
            history.Add(new RegisterOperation(sessionKey, RegisterPath(register), RegisterOpKind.Read, 0, -1, Outcome.Ok, value, version, invoked, History.Now)
            {
                Server = Identify(session).Name,
                AnsweredByApache = Identify(session).Apache,
            });
            lastVersion[register] = version;
            return true;
        }
        catch (Exception e)
        {
            // A read that did not complete had no effect: it stays out of the history.
            return Classify(e, "read") is not Failure.Expired;
        }
    }

    private async Task<bool> WriteAsync(IWorkloadSession session, int sessionKey, int register, long value, int expectedVersion, int[] lastVersion)
    {
        var kind = expectedVersion < 0 ? RegisterOpKind.Write : RegisterOpKind.CompareAndSet;
        long invoked = History.Now;
        try
        {
            int version = await session.WriteAsync(RegisterPath(register), value, expectedVersion);
            history.Add(new RegisterOperation(sessionKey, RegisterPath(register), kind, value, expectedVersion, Outcome.Ok, 0, version, invoked, History.Now));
            lastVersion[register] = version;
            return true;
        }
        catch (BadVersionException) when (kind is RegisterOpKind.CompareAndSet)
        {
            history.Add(new RegisterOperation(sessionKey, RegisterPath(register), kind, value, expectedVersion, Outcome.Failed, 0, 0, invoked, History.Now));
            return true;
        }
        catch (Exception e)
        {
            var failure = Classify(e, kind.ToString());
            history.Add(new RegisterOperation(sessionKey, RegisterPath(register), kind, value, expectedVersion, Outcome.Indeterminate, 0, 0, invoked, long.MaxValue));
            return failure is not Failure.Expired;
        }
    }

    private async Task<bool> AddAsync(IWorkloadSession session, int sessionKey, string element)
    {
        long invoked = History.Now;
        try
        {
            await session.AddAsync($"{SetPath}/{element}");
            history.Add(new SetAddition(sessionKey, element, Outcome.Ok, invoked, History.Now) { Server = Identify(session).Name });
            return true;
        }
        catch (Exception e)
        {
            var failure = Classify(e, "create");
            history.Add(new SetAddition(sessionKey, element, Outcome.Indeterminate, invoked, long.MaxValue));
            return failure is not Failure.Expired;
        }
    }

    private (string? Name, bool Apache) Identify(IWorkloadSession session) =>
        identifyServer is null ? (session.Server, false) : identifyServer(session.Server);

    private enum Failure
    {
        Lost,
        Expired,
    }

    /// <summary>What a client may see when servers crash, pause and are cut off: ConnectionLoss (the answer was lost),
    /// SessionExpired (the session is gone), OperationTimeout and SessionMoved (the old server answered late). Anything
    /// else is an anomaly: an error no correct server gives this workload, or a crash of the client library.</summary>
    private Failure Classify(Exception e, string operation)
    {
        switch (e)
        {
            case SessionExpiredException:
                history.SessionExpired();
                return Failure.Expired;
            case ConnectionLossException or OperationTimeoutException or SessionMovedException:
                return Failure.Lost;
            case KeeperException keeper:
                history.Anomaly($"{operation}: unexpected {keeper.Code}: {keeper.Message}");
                return Failure.Lost;
            default:
                history.Anomaly($"{operation}: the client library threw {e}");
                return Failure.Lost;
        }
    }

    private static async Task Delay(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
