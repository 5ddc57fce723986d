using Microsoft.Extensions.Options;

namespace Facade.Proxy.Realtime;

/// <summary>
/// Without a configured <see cref="RealtimeOptions.DeviceEdgeUrl"/>, the first destination of the <c>device-edge</c>
/// cluster; without configured <see cref="RealtimeOptions.DeviceEdgeFeeds"/>, that URL when it was set, else every
/// destination (one feed per worker).
/// </summary>
internal sealed class RealtimeOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<RealtimeOptions>
{
    public void PostConfigure(string? name, RealtimeOptions options)
    {
        var destinations = configuration.GetSection("ReverseProxy:Clusters:device-edge:Destinations").GetChildren()
            .Select(d => Uri.TryCreate(d["Address"], UriKind.Absolute, out var url) ? url : null)
            .OfType<Uri>()
            .ToList();
        if (options.DeviceEdgeFeeds.Count == 0)
        {
            options.DeviceEdgeFeeds = options.DeviceEdgeUrl is { } configured ? [configured] : destinations;
        }

        options.DeviceEdgeUrl ??= destinations.FirstOrDefault();
    }
}

/// <summary>The device edge URL, when set, is an absolute http(s) URL.</summary>
internal sealed class RealtimeOptionsValidator : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions options)
    {
        if (options.DeviceEdgeUrl is { } url && !IsHttp(url))
        {
            return ValidateOptionsResult.Fail($"{RealtimeOptions.SectionName}:{nameof(RealtimeOptions.DeviceEdgeUrl)} must be an absolute http(s) URL such as http://127.0.0.1:5020/.");
        }

        return options.DeviceEdgeFeeds.Any(feed => !IsHttp(feed))
            ? ValidateOptionsResult.Fail($"{RealtimeOptions.SectionName}:{nameof(RealtimeOptions.DeviceEdgeFeeds)} must list absolute http(s) URLs such as http://127.0.0.1:5020/.")
            : ValidateOptionsResult.Success;
    }

    private static bool IsHttp(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
