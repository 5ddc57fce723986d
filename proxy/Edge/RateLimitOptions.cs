using Microsoft.Extensions.Options;

namespace Facade.Proxy.Edge;

/// <summary>
/// <c>Facade:RateLimits</c>: named fixed-window policies that routes in yarp.json pick with <c>RateLimiterPolicy</c>.
/// Each caller gets its own window: per validated access token, else per client address (<see cref="EdgeRateLimiter"/>).
/// Read at start.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Facade:RateLimits";

    /// <summary>YARP's own meaning for these names (no limiter / the global one); they cannot name a policy.</summary>
    public const string Disable = "Disable";
    public const string Default = "Default";

    public static bool IsReserved(string name) =>
        string.Equals(name, Disable, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Default, StringComparison.OrdinalIgnoreCase);

    public Dictionary<string, RateLimitPolicy> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["per-caller"] = new RateLimitPolicy(),
    };
}

public sealed class RateLimitPolicy
{
    public const int MaxPermitLimit = 10_000_000;

    public int PermitLimit { get; set; } = 6000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Every policy needs a positive permit count and window (all problems at once, each naming its key).</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        foreach (var (policyName, policy) in options.Policies)
        {
            var key = $"{RateLimitOptions.SectionName}:Policies:{policyName}";
            if (string.IsNullOrWhiteSpace(policyName) || RateLimitOptions.IsReserved(policyName))
            {
                errors.Add($"{key}: '{policyName}' is reserved by YARP; choose another name.");
            }

            if (policy is null)
            {
                errors.Add($"{key} is empty; give it a PermitLimit and a Window.");
                continue;
            }

            if (policy.PermitLimit is < 1 or > RateLimitPolicy.MaxPermitLimit)
            {
                errors.Add($"{key}:PermitLimit must be between 1 and {RateLimitPolicy.MaxPermitLimit} (it is {policy.PermitLimit}).");
            }

            if (policy.Window <= TimeSpan.Zero)
            {
                errors.Add($"{key}:Window must be longer than zero, e.g. 00:01:00 (it is {policy.Window}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
