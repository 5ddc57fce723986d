using Microsoft.Extensions.Options;

namespace Facade.Mocks.DeviceSimulator.Hosting;

/// <summary>The rules between keys that attributes cannot express.</summary>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            failures.Add($"Simulator:MaxReconnectDelay ({options.MaxReconnectDelay}) must not be shorter than Simulator:ReconnectDelay ({options.ReconnectDelay}).");
        }

        if (string.IsNullOrWhiteSpace(options.BrokerHost) || Uri.CheckHostName(options.BrokerHost) == UriHostNameType.Unknown)
        {
            failures.Add($"Simulator:BrokerHost '{options.BrokerHost}' must be a host name or an IP address, e.g. 127.0.0.1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
