using Facade.Proxy.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class KeyExtensions
{
    public static IHostApplicationBuilder AddSigningKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.SectionName);
        builder.Services.TryAddSingleton<KeyRing>();
        return builder;
    }
}
