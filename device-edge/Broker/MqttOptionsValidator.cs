using System.Net;
using System.Text.RegularExpressions;
using Facade.DeviceEdge.Registry;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Broker;

internal sealed partial class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"DeviceEdge:Mqtt:Address '{options.Address}' must be an IP address, e.g. 127.0.0.1, or 0.0.0.0 / :: for every interface.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.AlertSubscribers.Count; i++)
        {
            var account = options.AlertSubscribers[i];
            var key = $"DeviceEdge:Mqtt:AlertSubscribers:{i}";
            if (account.Username is not { } userName || !UserNamePattern().IsMatch(userName) || DeviceId.IsValid(userName))
            {
                errors.Add($"{key}:Username must be 1 to 64 of [A-Za-z0-9._:-] and unlike any device id (which are lower-case letters, digits, '-' and '_'), e.g. 'alerts.reader'.");
            }
            else if (!names.Add(userName))
            {
                errors.Add($"{key}:Username '{userName}' is listed twice.");
            }

            if (account.Secret is not { Length: >= MqttAlertSubscriber.MinimumSecretLength })
            {
                errors.Add($"{key}:Secret must be at least {MqttAlertSubscriber.MinimumSecretLength} characters.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePattern();
}

internal static class MqttOptionsExtensions
{
    /// <summary>
    /// The broker mode, for the validators of sections that only apply in one mode; null while <c>DeviceEdge:Mqtt</c>
    /// is itself invalid (its own validator reports that, once, instead of every dependent section repeating it).
    /// </summary>
    public static BrokerMode? ValidatedModeOrNull(this IOptions<MqttOptions> mqtt)
    {
        try
        {
            return mqtt.Value.Mode;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}
