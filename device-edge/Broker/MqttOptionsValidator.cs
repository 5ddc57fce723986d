using System.Net;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Broker;

internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options) =>
        IPAddress.TryParse(options.Address, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"DeviceEdge:Mqtt:Address '{options.Address}' must be an IP address, e.g. 127.0.0.1, or 0.0.0.0 / :: for every interface.");
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
