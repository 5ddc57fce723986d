using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>Cross-field rules for <c>DeviceEdge:Telemetry</c>, every problem at once with the key to fix.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new List<string>();
        if (options.MaxAge > options.Retention)
        {
            errors.Add($"DeviceEdge:Telemetry:MaxAge ({options.MaxAge}) must not exceed DeviceEdge:Telemetry:Retention ({options.Retention}): readings would be deleted as they arrive.");
        }

        if (options.DefaultRawLimit > options.MaxPoints)
        {
            errors.Add($"DeviceEdge:Telemetry:DefaultRawLimit ({options.DefaultRawLimit}) must not exceed DeviceEdge:Telemetry:MaxPoints ({options.MaxPoints}).");
        }

        foreach (var (key, unit) in options.Units)
        {
            if (!TelemetryKey.IsValid(key))
            {
                errors.Add($"DeviceEdge:Telemetry:Units:{key} is not a metric key: keys match {TelemetryKey.Rule}.");
            }

            if (unit is { Length: > TelemetryUnits.MaxUnitLength })
            {
                errors.Add($"DeviceEdge:Telemetry:Units:{key} must be at most {TelemetryUnits.MaxUnitLength} characters.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
