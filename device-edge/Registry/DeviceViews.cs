using System.Text.Json.Serialization;
using Facade.DeviceEdge.Shadows;
using Facade.DeviceEdge.Status;
using Facade.DeviceEdge.Telemetry;

namespace Facade.DeviceEdge.Registry;

/// <summary>A device as the REST API shows it; <see cref="Shares"/> only to its owner.</summary>
internal sealed record DeviceView(
    string Id,
    string Name,
    string Type,
    IReadOnlyList<string> Tags,
    string? FirmwareVersion,
    string Owner,
    string Access,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DeviceStatusView Status,
    IReadOnlyList<ShareView>? Shares)
{
    /// <summary>Every metric's latest reading, only with <c>GET /devices?include=latest</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ReadingView>? Latest { get; init; }

    /// <summary>The device's shadow, only with <c>GET /devices/{id}?include=shadow</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShadowView? Shadow { get; init; }
}

/// <summary>The answer to provisioning and secret rotation: the only time the secret is shown.</summary>
internal sealed record ProvisionedDeviceView(
    string Id,
    string Name,
    string Type,
    IReadOnlyList<string> Tags,
    string? FirmwareVersion,
    string Owner,
    DateTimeOffset CreatedAt,
    string Secret,
    MqttCredentialsView Mqtt);

/// <summary>How the device signs in to the broker: user name and client id are both its id, the password its secret.</summary>
internal sealed record MqttCredentialsView(string Username, string ClientId);

internal sealed record SecretView(string Id, string Secret, DateTimeOffset IssuedAt);

internal sealed record ShareView(string UserId, string Access, DateTimeOffset CreatedAt);

internal sealed record DeviceListView(IReadOnlyList<DeviceView> Devices, string? Next);

internal static class AccessNames
{
    public static string Of(DeviceAccess access) => access switch
    {
        DeviceAccess.Owner => "owner",
        DeviceAccess.Control => "control",
        _ => "read",
    };

    public static string Of(ShareAccess access) => access == ShareAccess.Control ? "control" : "read";
}
