using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoordAspire.Client.Recipes;

/// <summary>
/// One instance of a service, as <see cref="ServiceDiscovery{TPayload}"/> registers it (Curator's <c>ServiceInstance</c>):
/// an ephemeral znode <c>{basePath}/{Name}/{Id}</c> whose data is this record as JSON, with an application-defined
/// <see cref="Payload"/>.
/// </summary>
public sealed record ServiceInstance<TPayload>
{
    /// <summary>The service's name: instances of one service share it.</summary>
    public required string Name { get; init; }

    /// <summary>This instance's id, unique within the service (a new GUID unless given).</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("D");

    public string? Address { get; init; }

    public int? Port { get; init; }

    public int? SslPort { get; init; }

    /// <summary>Curator's URI template, e.g. <c>{scheme}://{address}:{port}</c>.</summary>
    public string? UriSpec { get; init; }

    public bool Enabled { get; init; } = true;

    public DateTimeOffset RegistrationTime { get; init; } = DateTimeOffset.UtcNow;

    public TPayload? Payload { get; init; }
}

/// <summary>
/// The JSON of a registered instance, field for field what Curator's <c>JsonInstanceSerializer</c> writes (registration
/// time in Unix milliseconds, <c>serviceType</c> DYNAMIC for an ephemeral registration), so .NET and Java services can
/// find each other. Unknown fields (Curator's <c>@class</c> typing of payloads, say) are ignored when reading.
/// </summary>
internal static class ServiceInstanceJson<TPayload>
{
    public static byte[] Serialize(ServiceInstance<TPayload> instance, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Wire(instance.Name, instance.Id, instance.Address, instance.Port, instance.SslPort, instance.Payload,
                instance.RegistrationTime.ToUnixTimeMilliseconds(), "DYNAMIC", instance.UriSpec, instance.Enabled),
            options);

    /// <summary>The instance, or null when the bytes are not one.</summary>
    public static ServiceInstance<TPayload>? TryDeserialize(byte[] data, JsonSerializerOptions options)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(data, options);
            if (wire is null || string.IsNullOrEmpty(wire.Name) || string.IsNullOrEmpty(wire.Id))
            {
                return null;
            }

            return new ServiceInstance<TPayload>
            {
                Name = wire.Name,
                Id = wire.Id,
                Address = wire.Address,
                Port = wire.Port,
                SslPort = wire.SslPort,
                Payload = wire.Payload,
                RegistrationTime = DateTimeOffset.FromUnixTimeMilliseconds(wire.RegistrationTimeUtc),
                UriSpec = wire.UriSpec,
                Enabled = wire.Enabled ?? true,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Curator's field names.</summary>
    private sealed record Wire(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("address")] string? Address,
        [property: JsonPropertyName("port")] int? Port,
        [property: JsonPropertyName("sslPort")] int? SslPort,
        [property: JsonPropertyName("payload")] TPayload? Payload,
        [property: JsonPropertyName("registrationTimeUTC")] long RegistrationTimeUtc,
        [property: JsonPropertyName("serviceType")] string? ServiceType,
        [property: JsonPropertyName("uriSpec")] string? UriSpec,
        [property: JsonPropertyName("enabled")] bool? Enabled);
}
