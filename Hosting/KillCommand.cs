using Aspire.Hosting.ApplicationModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// "Kill" on a node: SIGKILL, as <c>kill -9</c> would, with no shutdown at all, so that a person can crash the leader
/// from the dashboard and watch the election trace that follows. (Aspire's own Stop is a graceful stop, which a
/// ZooKeeper server survives too easily to show anything.) Start or Restart, Aspire's own commands, bring it back.
/// </summary>
internal static class KillCommand
{
    public const string Name = "kill";

    /// <summary>DCP's snapshot property with the process id of the resource's process (KnownProperties.Executable.Pid).</summary>
    private const string PidProperty = "executable.pid";

    public static IResourceBuilder<ProjectResource> WithKillCommand(this IResourceBuilder<ProjectResource> node) =>
        node.WithCommand(
            Name,
            "Kill (kill -9)",
            context => KillAsync(node.Resource, context),
            new CommandOptions
            {
                Description = "Kill the node's process with SIGKILL: no shutdown, as in a crash",
                IconName = "Delete",
                ConfirmationMessage = $"Kill {node.Resource.Name} with SIGKILL?",
                UpdateState = state => state.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });

    private static Task<ExecuteCommandResult> KillAsync(ProjectResource node, ExecuteCommandContext context)
    {
        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        // The context names the instance (node1-<suffix>), whose snapshot DCP fills with the process id.
        var pid = notifications.TryGetCurrentState(context.ResourceName, out var state)
            && state.Snapshot.Properties.FirstOrDefault(p => p.Name == PidProperty)?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        if (pid == 0)
        {
            return Task.FromResult(CommandResults.Failure($"{node.Name} has no process to kill"));
        }

        try
        {
            // The process is `dotnet run`, and the node its child: the whole tree goes, or the node would live on
            // as an orphan holding its ports.
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            return Task.FromResult(CommandResults.Success());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return Task.FromResult(CommandResults.Failure($"{node.Name} (pid {pid}): {e.Message}"));
        }
    }
}
