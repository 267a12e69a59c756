using CoordAspire.Node.Network;
using CoordAspire.Node.Telemetry;

namespace CoordAspire.Node.Commands;

/// <summary>
/// Runs a four letter word (ZooKeeper's <c>CommandExecutor</c>): refuses it when the whitelist does not name it, and
/// otherwise renders it, on the request loop when it reads the processor's state so that it never races a request.
/// </summary>
internal sealed class FourLetterWordExecutor(FourLetterWordContext context) : IFourLetterWordHandler
{
    /// <summary>ZooTrace's default text trace mask (CLIENT_REQUEST | CLIENT_PING … = 306), which <c>gtmk</c> reports.</summary>
    private long _traceMask = 306;

    public bool IsEnabled(FourLetterCommand command) =>
        command == FourLetterCommand.TelnetClose || context.Config.IsFourLetterWordEnabled(command.Name());

    public Task<string> ExecuteAsync(FourLetterCommand command, ClientConnection connection, long argument)
    {
        if (command == FourLetterCommand.TelnetClose)
        {
            return Task.FromResult("");
        }

        string name = command.Name();
        if (!IsEnabled(command))
        {
            // ZOOKEEPER-2693: NopCommand with this text, println'd.
            return Task.FromResult($"{name} is not executed because it is not in the whitelist.\n");
        }

        using var activity = NodeTelemetry.ActivitySource.StartActivity("4lw " + name);
        activity?.SetTag("zookeeper.command", name);
        var loop = context.Loop;
        bool running = context.IsServing() || context.IsReadOnly();
        if (!running && command is FourLetterCommand.Srvr or FourLetterCommand.Stat or FourLetterCommand.Cons
            or FourLetterCommand.Crst or FourLetterCommand.Srst or FourLetterCommand.Mntr or FourLetterCommand.Wchs
            or FourLetterCommand.Wchc or FourLetterCommand.Wchp or FourLetterCommand.Dump)
        {
            // FourLetterCommands.ZK_NOT_SERVING: an ensemble member in election or synchronisation.
            return Task.FromResult("This ZooKeeper instance is not currently serving requests\n");
        }

        return command switch
        {
            FourLetterCommand.Ruok => Task.FromResult("imok"),
            // IsroCommand: "null" while no ZooKeeperServer runs (electing, syncing), "ro" for the read-only server.
            // The Java client's pingRwServer moves a read-only session to the first server that answers "rw".
            FourLetterCommand.Isro => Task.FromResult(context.IsReadOnly() ? "ro" : running ? "rw" : "null"),
            FourLetterCommand.Envi => Task.FromResult(EnvironmentCommand.Render()),
            FourLetterCommand.Conf => Task.Run(() => ConfCommand.Render(context)),
            FourLetterCommand.Dirs => Task.Run(() => ConfCommand.RenderDirs(context)),
            FourLetterCommand.Gtmk => Task.FromResult(Interlocked.Read(ref _traceMask).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            FourLetterCommand.Stmk => Task.FromResult(SetTraceMask(argument)),
            FourLetterCommand.Srvr => loop.QueryAsync(p => StatCommand.Render(context, p, withClients: false)),
            FourLetterCommand.Stat => loop.QueryAsync(p => StatCommand.Render(context, p, withClients: true)),
            FourLetterCommand.Cons => loop.QueryAsync(_ => StatCommand.RenderConnections(context)),
            FourLetterCommand.Crst => loop.QueryAsync(_ => ResetConnectionStatistics()),
            FourLetterCommand.Srst => loop.QueryAsync(p =>
            {
                p.Statistics.Reset();
                return "Server stats reset.\n";
            }),
            FourLetterCommand.Mntr => loop.QueryAsync(p => MonitorCommand.Render(context, p)),
            FourLetterCommand.Wchs => loop.QueryAsync(WatchCommand.Summary),
            FourLetterCommand.Wchc => loop.QueryAsync(WatchCommand.ByConnection),
            FourLetterCommand.Wchp => loop.QueryAsync(WatchCommand.ByPath),
            FourLetterCommand.Dump => loop.QueryAsync(p => DumpCommand.Render(context, p)),

            // DigestCommand lists the tree digests it logged; we keep no digest log, so there is nothing to list.
            FourLetterCommand.Hash => Task.FromResult(""),
            _ => Task.FromResult(""),
        };
    }

    /// <summary><c>stmk</c>: ZooKeeper sets its trace log mask and echoes it; we have no trace log, so only remember it.</summary>
    private string SetTraceMask(long mask)
    {
        Interlocked.Exchange(ref _traceMask, mask);
        return mask.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><c>crst</c>: <c>ServerCnxnFactory.resetAllConnectionStats</c>, on the loop that updates them.</summary>
    private string ResetConnectionStatistics()
    {
        foreach (var connection in context.Connections.Snapshot())
        {
            connection.Statistics.Reset();
        }

        return "Connection stats reset.\n";
    }
}
