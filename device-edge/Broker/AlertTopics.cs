using System.Text.RegularExpressions;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The topics alert notifications are published on: <c>alerts/</c> and 1 to 8 further levels of
/// <c>[A-Za-z0-9._:-]</c> (no wildcards, no empty levels), at most 200 characters. Devices can neither publish nor
/// subscribe there; alert subscriber accounts (<see cref="MqttOptions.AlertSubscribers"/>) can only subscribe there.
/// </summary>
internal static partial class AlertTopics
{
    public const string Prefix = "alerts/";
    public const int MaxLength = 200;
    public const string Rule = "'alerts/' followed by 1 to 8 levels of letters, digits, '.', '_', ':' or '-' separated by '/', at most 200 characters";

    public static bool IsValid(string? topic) => topic is { Length: <= MaxLength } && Pattern().IsMatch(topic);

    /// <summary>A subscription filter that can only ever match alert topics: it starts with the literal <c>alerts/</c>.</summary>
    public static bool IsAlertFilter(string? filter) => filter is { Length: > 7 and <= MaxLength } && filter.StartsWith(Prefix, StringComparison.Ordinal);

    [GeneratedRegex("^alerts(/[A-Za-z0-9._:-]{1,64}){1,8}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// The seam for the service's own messages to subscribers that are not devices: alert notifications on
/// <see cref="AlertTopics"/>. Beside <see cref="IDeviceChannel"/>, which only reaches devices on their own topics.
/// </summary>
internal interface IAlertChannel
{
    /// <summary>Publishes (QoS 1, not retained) on an alert topic; anything else is refused with an <see cref="ArgumentException"/>.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
