using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Facade.Common;

/// <summary>
/// Services behind the edge listen on loopback unless told otherwise: reached around the edge they would skip its
/// checks (rate limits, ledger), so exposing them is a decision to make explicitly, never a default.
/// </summary>
public static class LoopbackBinding
{
    /// <summary>The host configuration keys any of which names the addresses to listen on.</summary>
    private static readonly string[] AddressKeys = ["urls", "http_ports", "https_ports"];

    /// <summary>
    /// Listens on <c>http://127.0.0.1:<paramref name="port"/></c> unless addresses are configured the ASP.NET Core way
    /// (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, a <c>Kestrel:Endpoints</c> section).
    /// </summary>
    public static TBuilder ListenOnLoopbackByDefault<TBuilder>(this TBuilder builder, int port)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var configuration = builder.Configuration;
        var configured = AddressKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!configured)
        {
            configuration["urls"] = $"http://127.0.0.1:{port}";
        }

        return builder;
    }
}
