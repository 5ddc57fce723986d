using Facade.Mocks.AgentResponder.Channel;
using Microsoft.Extensions.Options;

namespace Facade.Mocks.AgentResponder.Hosting;

/// <summary>The agent key must be readable at start (the message says where it was looked for, never the key).</summary>
internal sealed class ResponderOptionsValidator(IHostEnvironment environment) : IValidateOptions<ResponderOptions>
{
    public ValidateOptionsResult Validate(string? name, ResponderOptions options)
    {
        var errors = new List<string>();
        if (AgentKey.Read(options, environment.ContentRootPath, out var problem) is null)
        {
            errors.Add($"{ResponderOptions.SectionName}: {problem}");
        }

        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            errors.Add($"{ResponderOptions.SectionName}:{nameof(ResponderOptions.MaxReconnectDelay)} must not be shorter than {nameof(ResponderOptions.ReconnectDelay)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
