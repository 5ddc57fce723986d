using Facade.Common;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Hosting;

internal sealed class FacadeOptionsValidator(IHostEnvironment environment) : IValidateOptions<FacadeOptions>
{
    public ValidateOptionsResult Validate(string? name, FacadeOptions options)
    {
        var errors = new List<string>();
        if (options.PublicUrl is null && !environment.IsDevelopment())
        {
            errors.Add("Facade:PublicUrl is required outside Development: set it to the public base URL, e.g. https://facade.example/.");
        }
        else if (options.PublicUrl is { } url
            && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            errors.Add($"Facade:PublicUrl '{url}' must be an absolute http(s) URL without query or fragment.");
        }
        else if (options.PublicUrl is { Scheme: "http" } plain && !plain.IsLoopback && !environment.IsDevelopment())
        {
            errors.Add($"Facade:PublicUrl '{plain}' must use https outside Development (OAuth 2.1 forbids plain http except on loopback).");
        }

        if (options.DatabaseProvider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("Facade:ConnectionString is required with Facade:DatabaseProvider=PostgreSql, e.g. Host=db;Database=facade;Username=facade;Password=….");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
