using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Facade.Common;

/// <summary>Runs a service's admin command line (<c>users …</c>, <c>devices …</c>) the way its users expect a CLI to fail.</summary>
public static class AdminCommandLine
{
    /// <summary>
    /// Invokes <paramref name="parsed"/>. A setting the service would refuse at start ends the command with that one
    /// message on standard error and exit code 1, not with a stack trace.
    /// </summary>
    public static async Task<int> InvokeAsync(ParseResult parsed, string service)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OptionsValidationException invalid)
        {
            await Console.Error.WriteLineAsync($"{service}: {invalid.Message}");
            return 1;
        }
    }
}
