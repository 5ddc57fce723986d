using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Registry;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Mosquitto;

internal sealed class MosquittoOptionsValidator(IOptions<MqttOptions> mqtt) : IValidateOptions<MosquittoOptions>
{
    private const string Key = MosquittoOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, MosquittoOptions options)
    {
        if (mqtt.ValidatedModeOrNull() != BrokerMode.External)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!string.IsNullOrEmpty(options.PidFile) && string.IsNullOrWhiteSpace(options.AccountsDirectory))
        {
            errors.Add($"{Key}:PidFile is set but {Key}:AccountsDirectory is not: there are no files to reload.");
        }

        foreach (var worker in options.OtherWorkers)
        {
            if (string.IsNullOrEmpty(worker) || worker.Length > 256 || DeviceId.IsValid(worker)
                || !worker.All(c => c is > ' ' and < (char)0x7f and not (':' or '+' or '#' or '/')))
            {
                errors.Add($"{Key}:OtherWorkers '{worker}' must be printable, without spaces, ':', '+', '#' or '/', and not look like a device id ({DeviceId.Rule}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
