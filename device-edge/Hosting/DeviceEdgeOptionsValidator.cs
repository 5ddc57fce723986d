using Facade.Common;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Hosting;

/// <summary>Cross-field rules for <c>DeviceEdge</c>, every problem reported at once with the key to fix.</summary>
internal sealed class DeviceEdgeOptionsValidator(IHostEnvironment environment) : IValidateOptions<DeviceEdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceEdgeOptions options)
    {
        var errors = new List<string>();
        if (options.Issuer is null)
        {
            errors.Add("DeviceEdge:Issuer is required: set it to the edge's public URL, e.g. http://127.0.0.1:5000/.");
        }
        else if (!IsBaseUrl(options.Issuer))
        {
            errors.Add($"DeviceEdge:Issuer '{options.Issuer}' must be the edge's absolute http(s) public URL ending with '/', without query or fragment.");
        }
        else if (options.Issuer.Scheme == Uri.UriSchemeHttp && !options.Issuer.IsLoopback && !environment.IsDevelopment())
        {
            errors.Add($"DeviceEdge:Issuer '{options.Issuer}' must use https outside Development (plain http only on loopback).");
        }

        if (options.MetadataAddress is { } metadata && (!metadata.IsAbsoluteUri || metadata.Scheme is not ("http" or "https")))
        {
            errors.Add($"DeviceEdge:MetadataAddress '{metadata}' must be an absolute http(s) URL.");
        }

        if (options.DatabaseProvider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("DeviceEdge:ConnectionString is required with DeviceEdge:DatabaseProvider=PostgreSql, e.g. Host=db;Database=devices;Username=facade;Password=….");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsBaseUrl(Uri url) =>
        url.IsAbsoluteUri && url.Scheme is "http" or "https" && url.AbsoluteUri.EndsWith('/')
        && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment);
}
