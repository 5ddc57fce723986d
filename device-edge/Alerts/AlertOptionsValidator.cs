using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Alerts;

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options) =>
        options.MaxRetryDelay < options.InitialRetryDelay
            ? ValidateOptionsResult.Fail($"DeviceEdge:Alerts:MaxRetryDelay ({options.MaxRetryDelay}) must not be shorter than DeviceEdge:Alerts:InitialRetryDelay ({options.InitialRetryDelay}).")
            : ValidateOptionsResult.Success;
}
