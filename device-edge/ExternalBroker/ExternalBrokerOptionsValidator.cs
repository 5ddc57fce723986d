using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Registry;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.ExternalBroker;

/// <summary>
/// <c>DeviceEdge:Mqtt:External</c> when the mode is External, every problem at once with the key to fix. The password
/// is only checked for presence, never echoed.
/// </summary>
internal sealed class ExternalBrokerOptionsValidator(IOptions<MqttOptions> mqtt) : IValidateOptions<ExternalBrokerOptions>
{
    private const string Key = ExternalBrokerOptions.SectionName;
    private const int MaxNameLength = 256;

    public ValidateOptionsResult Validate(string? name, ExternalBrokerOptions options)
    {
        if (mqtt.ValidatedModeOrNull() != BrokerMode.External)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host) || Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            errors.Add($"{Key}:Host is required in External mode: the broker's host name or IP address.");
        }

        if (string.IsNullOrEmpty(options.UserName))
        {
            errors.Add($"{Key}:UserName is required in External mode: the service's own account on the broker.");
        }
        else if (!IsBrokerName(options.UserName) || DeviceId.IsValid(options.UserName))
        {
            errors.Add($"{Key}:UserName '{options.UserName}' must be printable, without spaces, ':', '+', '#' or '/', and not look like a device id "
                + $"({DeviceId.Rule}) so no device can take it: e.g. 'facade.device-edge'.");
        }

        if (string.IsNullOrEmpty(options.Password))
        {
            errors.Add($"{Key}:Password is required in External mode (the broker account's password).");
        }

        if (!string.IsNullOrEmpty(options.ClientId) && !IsBrokerName(options.ClientId))
        {
            errors.Add($"{Key}:ClientId '{options.ClientId}' must be printable, without spaces, ':', '+', '#' or '/'.");
        }

        if (!string.IsNullOrEmpty(options.SharedSubscriptionGroup) && !IsBrokerName(options.SharedSubscriptionGroup))
        {
            errors.Add($"{Key}:SharedSubscriptionGroup '{options.SharedSubscriptionGroup}' must be printable, without spaces, ':', '+', '#' or '/'.");
        }

        if (!string.IsNullOrEmpty(options.CaCertificateFile) && !options.UseTls)
        {
            errors.Add($"{Key}:CaCertificateFile is set but {Key}:UseTls is false.");
        }
        else if (!string.IsNullOrEmpty(options.CaCertificateFile) && !File.Exists(options.CaCertificateFile))
        {
            errors.Add($"{Key}:CaCertificateFile '{options.CaCertificateFile}' does not exist.");
        }

        if (options.ReconnectMinDelay > options.ReconnectMaxDelay)
        {
            errors.Add($"{Key}:ReconnectMinDelay ({options.ReconnectMinDelay}) must not exceed {Key}:ReconnectMaxDelay ({options.ReconnectMaxDelay}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A name that is safe as a mosquitto password-file user, ACL user and client id.</summary>
    private static bool IsBrokerName(string value) =>
        value.Length <= MaxNameLength && value.All(c => c is > ' ' and < (char)0x7f and not (':' or '+' or '#' or '/'));
}
