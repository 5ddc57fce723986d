using Facade.DeviceEdge.Broker;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Mosquitto;

internal sealed class MosquittoOptionsValidator(IOptions<MqttOptions> mqtt) : IValidateOptions<MosquittoOptions>
{
    public ValidateOptionsResult Validate(string? name, MosquittoOptions options) =>
        mqtt.ValidatedModeOrNull() == BrokerMode.External && !string.IsNullOrEmpty(options.PidFile) && string.IsNullOrWhiteSpace(options.AccountsDirectory)
            ? ValidateOptionsResult.Fail($"{MosquittoOptions.SectionName}:PidFile is set but {MosquittoOptions.SectionName}:AccountsDirectory is not: there are no files to reload.")
            : ValidateOptionsResult.Success;
}
