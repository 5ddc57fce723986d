using Facade.Proxy.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class KeyExtensions
{
    public static IHostApplicationBuilder AddSigningKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyOptions>, KeyOptionsValidator>());
        builder.Services.TryAddSingleton<KeyRing>();
        return builder;
    }
}
