using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Agents;

/// <summary>Cross-field rules for <c>DeviceEdge:Agents</c>, naming the key to fix.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        if (options.EdgeUrl is { } edge
            && (!edge.IsAbsoluteUri || edge.Scheme is not ("http" or "https") || !edge.AbsoluteUri.EndsWith('/') || !string.IsNullOrEmpty(edge.Query)))
        {
            return ValidateOptionsResult.Fail(
                $"{AgentOptions.SectionName}:EdgeUrl '{edge}' must be the edge's absolute http(s) base URL ending with '/', without query (or unset: DeviceEdge:Issuer).");
        }

        return ValidateOptionsResult.Success;
    }
}
