using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// "Show leader" on the ensemble: asks every node <c>srvr</c> on its client port, as <c>zkServer.sh status</c> does,
/// and reports who says <c>Mode: leader</c>. The answer goes to the ensemble's console log (one line per node) and
/// to its <c>coord.leader</c> property; the command fails, saying what each node answered, unless exactly one leads.
/// </summary>
internal static partial class ShowLeaderCommand
{
    public const string Name = "show-leader";

    public static IResourceBuilder<CoordEnsembleResource> WithShowLeaderCommand(this IResourceBuilder<CoordEnsembleResource> ensemble) =>
        ensemble.WithCommand(
            Name,
            "Show leader",
            context => ShowLeaderAsync(ensemble.Resource, context),
            new CommandOptions
            {
                Description = "Ask every node srvr and report which one is the leader",
                IconName = "Crown",
                IsHighlighted = true,
                UpdateState = _ => ResourceCommandState.Enabled,
            });

    private static async Task<ExecuteCommandResult> ShowLeaderAsync(CoordEnsembleResource ensemble, ExecuteCommandContext context)
    {
        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(ensemble);
        var modes = await Task.WhenAll(ensemble.Nodes.Select(async node =>
        {
            var role = await NodeRole.AskAsync(node, context.CancellationToken);
            return (node.Name, Mode: role == NodeRole.NotAnswering ? "down" : role);
        }));

        var summary = string.Join(", ", modes.Select(m => $"{m.Name}: {m.Mode}"));
        var leaders = modes.Where(m => m.Mode == "leader").Select(m => m.Name).ToList();
        var leader = leaders.Count == 1 ? leaders[0] : "none";
        Log.Modes(logger, leader, summary);
        await context.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(ensemble, snapshot => snapshot with
        {
            Properties = RoleMonitor.WithProperty(snapshot.Properties, RoleMonitor.LeaderProperty, leader),
        });

        return leaders.Count == 1
            ? CommandResults.Success($"{leader} is the leader ({summary})")
            : CommandResults.Failure($"no single leader ({summary})");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Leader: {Leader} ({Modes})")]
        public static partial void Modes(ILogger logger, string leader, string modes);
    }
}
