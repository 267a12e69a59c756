using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CoordAspire.Client.Hosting;

/// <summary>
/// The client's health from its session state, without a round trip: Healthy when connected; Degraded while
/// disconnected — the client is reconnecting and the session (with its ephemerals and watches) may well survive;
/// the registration's failure status (Unhealthy) once the session expired, authentication failed or the client was
/// closed — states a client never leaves, so only a new client (a restart) helps.
/// </summary>
public sealed class CoordClientHealthCheck(ZooKeeperClient client) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = client.State;
        var data = new Dictionary<string, object>
        {
            ["state"] = state.ToString(),
            ["sessionId"] = $"0x{client.SessionId:x}",
            ["servers"] = client.ConnectString.ToString(),
        };
        var result = state switch
        {
            ConnectionState.Connected => HealthCheckResult.Healthy($"connected, session 0x{client.SessionId:x}", data),
            ConnectionState.ConnectedReadOnly => HealthCheckResult.Degraded($"connected read-only (the server has lost its quorum), session 0x{client.SessionId:x}", data: data),
            ConnectionState.Disconnected => HealthCheckResult.Degraded("disconnected, reconnecting to " + client.ConnectString, data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"the client is {state}: it must be replaced", data: data),
        };
        return Task.FromResult(result);
    }
}
