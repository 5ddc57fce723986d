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
